package devserver

import (
	"fmt"
	"net"
	"strconv"
)

// freePort asks the kernel for a free TCP port on ip. The port is released
// before it is returned, so another process could take it in between; the
// window is small and Start reports a bind failure as an error.
func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("pick a free port on %s: %w", ip, err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("release probe listener on %s: %w", ip, err)
	}
	return port, nil
}

// checkPortFree reports an error if ip:port cannot be bound right now.
func checkPortFree(ip string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("port %d on %s is not free: %w", port, ip, err)
	}
	if err := l.Close(); err != nil {
		return fmt.Errorf("release probe listener on %s:%d: %w", ip, port, err)
	}
	return nil
}

// resolvePort turns a requested port into a usable one: 0 picks a free port,
// anything else must be free.
func resolvePort(ip string, port int) (int, error) {
	if port == 0 {
		return freePort(ip)
	}
	if port < 0 || port > 65535 {
		return 0, fmt.Errorf("invalid port %d", port)
	}
	if err := checkPortFree(ip, port); err != nil {
		return 0, err
	}
	return port, nil
}

// dialIP returns the address clients should dial for a server bound on ip:
// loopback for the unspecified address, ip otherwise.
func dialIP(ip string) string {
	parsed := net.ParseIP(ip)
	switch {
	case parsed == nil:
		return ip
	case parsed.IsUnspecified() && parsed.To4() == nil:
		return "::1"
	case parsed.IsUnspecified():
		return "127.0.0.1"
	default:
		return ip
	}
}
