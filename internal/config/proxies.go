package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// Proxies is the TRUSTED_PROXIES list, parsed once when the configuration
// is read: the addresses and CIDRs of the reverse proxies whose
// X-Forwarded-For and X-Forwarded-Proto the service believes. Every part
// of the service that asks "is this peer a trusted proxy?" (the per-client
// connection cap, the client address of rate limits and logs, the pages'
// origin check) asks this one value.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated TRUSTED_PROXIES value; an entry that
// is neither an address nor a CIDR is an error (the service refuses to
// start rather than trust less, or more, than it was told).
func ParseProxies(s string) (Proxies, error) {
	var out Proxies
	for _, e := range strings.Split(s, ",") {
		if strings.TrimSpace(e) == "" {
			continue
		}
		p, err := parseProxy(e)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES entry %q: %w", strings.TrimSpace(e), err)
		}
		out = append(out, p)
	}
	return out, nil
}

// MustProxies is ParseProxies for literals in tests and tools; it panics on
// a bad entry.
func MustProxies(entries ...string) Proxies {
	p, err := ParseProxies(strings.Join(entries, ","))
	if err != nil {
		panic(err)
	}
	return p
}

// UnmarshalText reads the list from the environment.
func (p *Proxies) UnmarshalText(b []byte) error {
	v, err := ParseProxies(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Contains says whether ip is one of the trusted proxies.
func (p Proxies) Contains(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, pf := range p {
		if pf.Contains(ip) {
			return true
		}
	}
	return false
}

// Strings lists the entries in canonical CIDR form (for gin's own
// X-Forwarded-For handling, which takes strings).
func (p Proxies) Strings() []string {
	out := make([]string, 0, len(p))
	for _, pf := range p {
		out = append(out, pf.String())
	}
	return out
}

// parseProxy reads one entry: an address or a CIDR, as a prefix (an
// address is a prefix of its full length).
func parseProxy(s string) (netip.Prefix, error) {
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
