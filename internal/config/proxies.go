package config

import (
	"net/netip"
	"strings"
)

// ParseProxy reads one TRUSTED_PROXIES entry: an address or a CIDR, as a
// prefix (an address is a prefix of its full length).
func ParseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// TrustsProxy says whether ip is one of the entries of a TRUSTED_PROXIES
// list (entries that do not parse trust nothing).
func TrustsProxy(list []string, ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, s := range list {
		if p, err := ParseProxy(s); err == nil && p.Contains(ip) {
			return true
		}
	}
	return false
}
