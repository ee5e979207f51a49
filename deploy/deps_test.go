package deploy

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProductionBinariesDoNotLinkTheTemporalServer keeps the design rule
// that only cmd/dev embeds the Temporal server: api and worker talk to one.
func TestProductionBinariesDoNotLinkTheTemporalServer(t *testing.T) {
	root := repoRoot(t)
	cmd := exec.Command("go", "list", "-deps", "./cmd/api", "./cmd/worker")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v (is the go command on PATH?)", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list returned only %d packages; the check would prove nothing", len(deps))
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "go.temporal.io/server") || strings.HasPrefix(d, "github.com/temporalio/ui-server") {
			t.Errorf("a production binary links %s; only cmd/dev may embed the Temporal server", d)
		}
	}
}
