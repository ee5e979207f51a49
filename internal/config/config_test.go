package config

import (
	"testing"
	"time"
)

// The HTTP server's limits have their documented defaults.
func TestHTTPLimitDefaults(t *testing.T) {
	c := Defaults()
	if c.ReadHeaderTimeout != 10*time.Second || c.ReadTimeout != 60*time.Second || c.PublicBodyTimeout != 10*time.Second ||
		c.MaxConns != 1024 || c.MaxConnsPerClient != 64 {
		t.Errorf("defaults: header %v, read %v, public body %v, conns %d, per client %d",
			c.ReadHeaderTimeout, c.ReadTimeout, c.PublicBodyTimeout, c.MaxConns, c.MaxConnsPerClient)
	}
}
