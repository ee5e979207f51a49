package config

import (
	"net/netip"
	"testing"

	"github.com/caarlos0/env/v11"
)

// TRUSTED_PROXIES is parsed once, when the configuration is read: an entry
// that is not an address or a CIDR stops the service from starting instead
// of being ignored by one consumer and read by another, and the parsed list
// answers every "is this peer a proxy?" alike.
func TestTrustedProxiesParsedOnce(t *testing.T) {
	read := func(v string) (Config, error) {
		var c Config
		err := env.ParseWithOptions(&c, env.Options{Environment: map[string]string{"TRUSTED_PROXIES": v}})
		return c, err
	}
	c, err := read(" 10.0.0.0/8, 192.0.2.7 ,::ffff:198.51.100.1,2001:db8::/32,")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.TrustedProxies.Strings(), []string{"10.0.0.0/8", "192.0.2.7/32", "198.51.100.1/32", "2001:db8::/32"}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("parsed %v, want %v", got, want)
	}
	for ip, want := range map[string]bool{"10.1.2.3": true, "::ffff:10.1.2.3": true, "192.0.2.7": true, "192.0.2.8": false, "198.51.100.1": true, "2001:db8::1": true, "2001:db9::1": false} {
		if got := c.TrustedProxies.Contains(netip.MustParseAddr(ip)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", ip, got, want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0.1,nonsense"} {
		if _, err := read(bad); err == nil {
			t.Errorf("TRUSTED_PROXIES=%q accepted, want an error at load", bad)
		}
	}
	if c, err := read(""); err != nil || len(c.TrustedProxies) != 0 || c.TrustedProxies.Contains(netip.MustParseAddr("127.0.0.1")) {
		t.Errorf("empty TRUSTED_PROXIES: %v %v", c.TrustedProxies, err)
	}
}
