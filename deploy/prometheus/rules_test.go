// Package prometheus holds the Prometheus configuration of a deployment:
// the scrape configuration (prometheus.yml), the alert rules (rules.yml)
// and their unit tests (rules_test.yml), checked here with promtool, and
// the Grafana dashboard's queries.
package prometheus

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// promtool finds promtool or fails the test saying how to install it.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool is needed to check the alert rules and was not found (%v).\n"+
			"Install it with: apt-get update && apt-get install -y prometheus", err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// The shipped rules are valid and name the rules the README explains.
func TestRulesCheck(t *testing.T) {
	out := run(t, promtool(t), "check", "rules", "rules.yml")
	if !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool check rules: %s", out)
	}
	raw, err := os.ReadFile("rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`(?m)^\s+- alert: (\w+)`).FindAllStringSubmatch(string(raw), -1)
	if len(names) < 8 {
		t.Fatalf("found %d alert rules, want at least 8", len(names))
	}
	for _, n := range names {
		if !strings.Contains(string(readme), "`"+n[1]+"`") {
			t.Errorf("README does not explain the alert %s", n[1])
		}
	}
}

// The rules fire (and stay quiet) as their unit tests say.
func TestRulesUnitTests(t *testing.T) {
	out := run(t, promtool(t), "test", "rules", "rules_test.yml")
	if !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool test rules: %s", out)
	}
}

// The scrape configuration is valid and loads the rules.
func TestScrapeConfig(t *testing.T) {
	out := run(t, promtool(t), "check", "config", "prometheus.yml")
	if !strings.Contains(out, "SUCCESS") || !strings.Contains(out, "rules.yml") {
		t.Fatalf("promtool check config: %s", out)
	}
}

// The Grafana dashboard is JSON whose every panel has a query, and its
// queries use only metrics the service exports.
func TestDashboard(t *testing.T) {
	raw, err := os.ReadFile("../grafana/doithoai.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Title  string `json:"title"`
		Panels []struct {
			Title   string `json:"title"`
			Type    string `json:"type"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("dashboard is not JSON: %v", err)
	}
	if d.Title == "" || len(d.Panels) < 8 {
		t.Fatalf("dashboard %q has %d panels, want a title and at least 8", d.Title, len(d.Panels))
	}
	metric := regexp.MustCompile(`\b(doithoai_\w+|temporal_\w+|go_sql_\w+|up)\b`)
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			if !metric.MatchString(q.Expr) {
				t.Errorf("panel %q: query %q uses none of the service's metrics", p.Title, q.Expr)
			}
		}
	}
}
