// Package deploy holds deployment assets (PostgreSQL init scripts) and the
// tests that check docker-compose.yml and the Dockerfile without a Docker
// engine: the compose file is loaded with compose-go, the loader Docker
// Compose itself uses, so schema validation, interpolation and consistency
// checks (unknown dependencies, bad conditions…) are the real ones.
package deploy

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// repoRoot finds the module root by walking up from the test's working
// directory (deploy/) to the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's working directory")
		}
		dir = parent
	}
}

// loadProject loads docker-compose.yml from the repo root the way
// `docker compose` would, with exactly env for interpolation (the process
// environment and any .env file are ignored, so the test is hermetic).
func loadProject(t *testing.T, root string, env []string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root),
		cli.WithEnv(env),
		cli.WithResolvedPaths(true),
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		t.Fatalf("project options: %v", err)
	}
	project, err := cli.ProjectFromOptions(context.Background(), opts)
	if err != nil {
		t.Fatalf("load docker-compose.yml: %v", err)
	}
	return project
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	svc, err := p.GetService(name)
	if err != nil {
		t.Fatalf("service %q: %v", name, err)
	}
	return svc
}

func envValue(t *testing.T, svc types.ServiceConfig, key string) string {
	t.Helper()
	v, ok := svc.Environment[key]
	if !ok || v == nil {
		t.Fatalf("service %q: environment %s is not set", svc.Name, key)
	}
	return *v
}

// dockerfileStages returns the names of the Dockerfile's named stages
// (`FROM image AS name`), lower-cased as Docker treats them.
func dockerfileStages(t *testing.T, dockerfile string) []string {
	t.Helper()
	f, err := os.Open(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	from := regexp.MustCompile(`(?i)^\s*FROM\s+(?:--\S+\s+)*\S+\s+AS\s+(\S+)\s*$`)
	var stages []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := from.FindStringSubmatch(sc.Text()); m != nil {
			stages = append(stages, strings.ToLower(m[1]))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return stages
}

var appEnv = []string{
	"DATABASE_URL", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_TASK_QUEUE",
	"LOG_LEVEL", "LOG_FORMAT", "MIGRATE_ON_START",
}

func TestComposeFile(t *testing.T) {
	root := repoRoot(t)
	dockerfile := filepath.Join(root, "Dockerfile")

	// Non-default values everywhere, to prove they reach the services.
	project := loadProject(t, root, []string{
		"POSTGRES_USER=ci_user",
		"POSTGRES_PASSWORD=ci_secret",
		"POSTGRES_DB=ci_app",
		"TEMPORAL_NAMESPACE=ci-ns",
		"TEMPORAL_TASK_QUEUE=ci-queue",
		"LOG_LEVEL=debug",
		"LOG_FORMAT=console",
		"API_PORT=18080",
		"API_PORT_LAST=18081",
	})

	t.Run("services", func(t *testing.T) {
		want := []string{"api", "postgres", "prometheus", "temporal", "temporal-ui", "worker"}
		got := project.ServiceNames()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("services = %v, want %v", got, want)
		}
		for _, name := range want {
			if svc := service(t, project, name); svc.Restart == "" {
				t.Errorf("service %q has no restart policy", name)
			}
		}
	})

	t.Run("app services build from the repo Dockerfile", func(t *testing.T) {
		stages := dockerfileStages(t, dockerfile)
		for _, name := range []string{"api", "worker"} {
			svc := service(t, project, name)
			if svc.Build == nil {
				t.Fatalf("service %q has no build section", name)
			}
			ctxDir := svc.Build.Context
			if !filepath.IsAbs(ctxDir) {
				ctxDir = filepath.Join(root, ctxDir)
			}
			if filepath.Clean(ctxDir) != filepath.Clean(root) {
				t.Errorf("service %q build context = %q, want the repo root %q", name, svc.Build.Context, root)
			}
			df := svc.Build.Dockerfile
			if df == "" {
				df = "Dockerfile"
			}
			if !filepath.IsAbs(df) {
				df = filepath.Join(ctxDir, df)
			}
			if filepath.Clean(df) != dockerfile {
				t.Errorf("service %q dockerfile = %q, want %q", name, df, dockerfile)
			}
			if svc.Build.Target != name {
				t.Errorf("service %q build target = %q, want %q", name, svc.Build.Target, name)
			}
			if !slices.Contains(stages, strings.ToLower(svc.Build.Target)) {
				t.Errorf("service %q build target %q is not a Dockerfile stage (stages: %v)", name, svc.Build.Target, stages)
			}
		}
	})

	t.Run("app services wait for healthy postgres and temporal", func(t *testing.T) {
		for _, name := range []string{"api", "worker"} {
			svc := service(t, project, name)
			for _, dep := range []string{"postgres", "temporal"} {
				d, ok := svc.DependsOn[dep]
				if !ok {
					t.Errorf("service %q does not depend on %q", name, dep)
					continue
				}
				if d.Condition != types.ServiceConditionHealthy {
					t.Errorf("service %q depends on %q with condition %q, want %q",
						name, dep, d.Condition, types.ServiceConditionHealthy)
				}
			}
		}
		temporal := service(t, project, "temporal")
		if d, ok := temporal.DependsOn["postgres"]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("temporal must depend on postgres with condition %s", types.ServiceConditionHealthy)
		}
	})

	t.Run("healthchecks", func(t *testing.T) {
		for name, mustMention := range map[string]string{
			"postgres": "pg_isready",
			"temporal": "temporal operator cluster health",
		} {
			svc := service(t, project, name)
			hc := svc.HealthCheck
			if hc == nil || hc.Disable || len(hc.Test) == 0 {
				t.Errorf("service %q has no healthcheck", name)
				continue
			}
			if cmd := strings.Join(hc.Test, " "); !strings.Contains(cmd, mustMention) {
				t.Errorf("service %q healthcheck %q does not run %q", name, cmd, mustMention)
			}
		}
	})

	t.Run("application environment", func(t *testing.T) {
		for _, name := range []string{"api", "worker"} {
			svc := service(t, project, name)
			for _, key := range appEnv {
				envValue(t, svc, key)
			}
			url := envValue(t, svc, "DATABASE_URL")
			if want := "postgres://ci_user:ci_secret@postgres:5432/ci_app?"; !strings.HasPrefix(url, want) {
				t.Errorf("service %q DATABASE_URL = %q, want prefix %q", name, url, want)
			}
			checks := map[string]string{
				"TEMPORAL_ADDRESS":    "temporal:7233",
				"TEMPORAL_NAMESPACE":  "ci-ns",
				"TEMPORAL_TASK_QUEUE": "ci-queue",
				"LOG_LEVEL":           "debug",
				"LOG_FORMAT":          "console",
			}
			for key, want := range checks {
				if got := envValue(t, svc, key); got != want {
					t.Errorf("service %q %s = %q, want %q", name, key, got, want)
				}
			}
		}
		api := service(t, project, "api")
		if got := envValue(t, api, "HTTP_ADDR"); got != ":8080" {
			t.Errorf("api HTTP_ADDR = %q, want :8080", got)
		}
		temporal := service(t, project, "temporal")
		if got := envValue(t, temporal, "DEFAULT_NAMESPACE"); got != "ci-ns" {
			t.Errorf("temporal DEFAULT_NAMESPACE = %q, want the app's namespace ci-ns", got)
		}
		ui := service(t, project, "temporal-ui")
		if got := envValue(t, ui, "TEMPORAL_ADDRESS"); got != "temporal:7233" {
			t.Errorf("temporal-ui TEMPORAL_ADDRESS = %q, want temporal:7233", got)
		}
	})

	t.Run("temporal persists in postgres", func(t *testing.T) {
		temporal := service(t, project, "temporal")
		if !strings.HasPrefix(temporal.Image, "temporalio/auto-setup:1.") {
			t.Errorf("temporal image = %q, want a pinned temporalio/auto-setup:1.x tag", temporal.Image)
		}
		for key, want := range map[string]string{
			"DB":             "postgres12",
			"DB_PORT":        "5432",
			"POSTGRES_SEEDS": "postgres",
			"POSTGRES_USER":  "ci_user",
			"POSTGRES_PWD":   "ci_secret",
		} {
			if got := envValue(t, temporal, key); got != want {
				t.Errorf("temporal %s = %q, want %q", key, got, want)
			}
		}
	})

	t.Run("ports and scaling", func(t *testing.T) {
		api := service(t, project, "api")
		published := false
		for _, p := range api.Ports {
			if p.Target == 8080 && p.Published == "18080-18081" {
				published = true
			}
		}
		if !published {
			t.Errorf("api must publish container port 8080 on the range API_PORT-API_PORT_LAST, one port per replica: %+v", api.Ports)
		}
		worker := service(t, project, "worker")
		if worker.ContainerName != "" {
			t.Errorf("worker has container_name %q; it must stay scalable", worker.ContainerName)
		}
		if len(worker.Ports) != 0 {
			t.Errorf("worker publishes ports %+v; it must stay scalable", worker.Ports)
		}
		ui := service(t, project, "temporal-ui")
		if len(ui.Ports) != 1 || ui.Ports[0].Target != 8080 || ui.Ports[0].Published != "8233" {
			t.Errorf("temporal-ui ports = %+v, want 8233:8080", ui.Ports)
		}
	})

	t.Run("prometheus scrapes api and worker", func(t *testing.T) {
		prom := service(t, project, "prometheus")
		mounted := false
		for _, v := range prom.Volumes {
			if v.Target == "/etc/prometheus" && strings.HasSuffix(filepath.ToSlash(v.Source), "deploy/prometheus") && v.ReadOnly {
				mounted = true
			}
		}
		if !mounted {
			t.Errorf("prometheus must mount deploy/prometheus read-only at /etc/prometheus: %+v", prom.Volumes)
		}
		if len(prom.Ports) != 1 || prom.Ports[0].HostIP != "127.0.0.1" {
			t.Errorf("prometheus ports = %+v, want one on 127.0.0.1", prom.Ports)
		}
		cfg, err := os.ReadFile(filepath.Join(root, "deploy", "prometheus", "prometheus.yml"))
		if err != nil {
			t.Fatal(err)
		}
		for svc, key := range map[string]string{"api": "METRICS_ADDR", "worker": "WORKER_METRICS_ADDR"} {
			addr := envValue(t, service(t, project, svc), key)
			_, port, _ := strings.Cut(addr, ":")
			if port == "" || !strings.Contains(string(cfg), "names: ["+svc+"]") || !strings.Contains(string(cfg), "port: "+port) {
				t.Errorf("%s serves metrics on %q, which prometheus.yml does not scrape", svc, addr)
			}
		}
	})

	t.Run("production topology", func(t *testing.T) {
		// What deploy's TestProductionTopology runs: two replicas of each
		// application service, Temporal with at least 4 history shards.
		for _, name := range []string{"api", "worker"} {
			svc := service(t, project, name)
			if svc.Deploy == nil || svc.Deploy.Replicas == nil || *svc.Deploy.Replicas < 2 {
				t.Errorf("service %q must run at least 2 replicas (deploy.replicas): %+v", name, svc.Deploy)
			}
		}
		temporal := service(t, project, "temporal")
		if n, err := strconv.Atoi(envValue(t, temporal, "NUM_HISTORY_SHARDS")); err != nil || n < 4 {
			t.Errorf("temporal NUM_HISTORY_SHARDS = %q, want at least 4", envValue(t, temporal, "NUM_HISTORY_SHARDS"))
		}
		worker := service(t, project, "worker")
		for _, key := range []string{"WORKER_WORKFLOW_CACHE_SIZE", "WORKER_POLLERS"} {
			if _, err := strconv.Atoi(envValue(t, worker, key)); err != nil {
				t.Errorf("worker %s = %q, want a number sized on purpose", key, envValue(t, worker, key))
			}
		}
		// The worker's memory budget: a container limit, and the Go
		// runtime's soft limit below it.
		if worker.Deploy == nil || worker.Deploy.Resources.Limits == nil || worker.Deploy.Resources.Limits.MemoryBytes <= 0 {
			t.Errorf("worker has no memory limit (deploy.resources.limits.memory)")
		} else if envValue(t, worker, "GOMEMLIMIT") == "" {
			t.Errorf("worker GOMEMLIMIT is empty, want a soft limit below %d bytes", worker.Deploy.Resources.Limits.MemoryBytes)
		}
	})

	t.Run("postgres volume and init scripts", func(t *testing.T) {
		pg := service(t, project, "postgres")
		var dataVolume, initDir string
		for _, v := range pg.Volumes {
			switch v.Target {
			case "/var/lib/postgresql/data":
				dataVolume = v.Source
				if v.Type != types.VolumeTypeVolume {
					t.Errorf("postgres data is a %s mount, want a named volume", v.Type)
				}
			case "/docker-entrypoint-initdb.d":
				initDir = v.Source
			}
		}
		if _, ok := project.Volumes[dataVolume]; dataVolume == "" || !ok {
			t.Errorf("postgres data volume %q is not a declared top-level volume", dataVolume)
		}
		if initDir == "" {
			t.Fatal("postgres has no /docker-entrypoint-initdb.d mount")
		}
		if want := filepath.Join(root, "deploy", "postgres-init"); filepath.Clean(initDir) != want {
			t.Errorf("init scripts mounted from %q, want %q", initDir, want)
		}
		scripts, err := filepath.Glob(filepath.Join(initDir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		var sql strings.Builder
		for _, s := range scripts {
			b, err := os.ReadFile(s)
			if err != nil {
				t.Fatal(err)
			}
			sql.Write(b)
		}
		for _, db := range []string{"temporal", "temporal_visibility"} {
			re := regexp.MustCompile(`(?i)CREATE\s+DATABASE\s+"?` + db + `"?\s*;`)
			if !re.MatchString(sql.String()) {
				t.Errorf("no init script in %s creates database %s", initDir, db)
			}
		}
		if got := envValue(t, pg, "POSTGRES_DB"); got != "ci_app" {
			t.Errorf("postgres POSTGRES_DB = %q, want ci_app", got)
		}
	})
}

// With no variables at all the file must still load: every variable has a
// default, so `docker compose up` works without a .env file.
func TestComposeFileDefaults(t *testing.T) {
	root := repoRoot(t)
	project := loadProject(t, root, nil)
	api := service(t, project, "api")
	if got, want := envValue(t, api, "DATABASE_URL"),
		"postgres://doithoai:doithoai@postgres:5432/doithoai?sslmode=disable"; got != want {
		t.Errorf("default DATABASE_URL = %q, want %q", got, want)
	}
	if got := envValue(t, api, "TEMPORAL_NAMESPACE"); got != "default" {
		t.Errorf("default TEMPORAL_NAMESPACE = %q, want default", got)
	}
	if got := envValue(t, api, "TEMPORAL_TASK_QUEUE"); got != "doithoai" {
		t.Errorf("default TEMPORAL_TASK_QUEUE = %q, want doithoai", got)
	}
	// No secret is written in the file: without variables it is empty (the
	// API then refuses authenticated requests and /readyz says why).
	if got := envValue(t, api, "AUTH_HS256_SECRET"); got != "" {
		t.Errorf("default AUTH_HS256_SECRET = %q, want empty (secrets only from the environment)", got)
	}
	if got := envValue(t, api, "AUTH_AUDIENCE"); got != "doithoai" {
		t.Errorf("default AUTH_AUDIENCE = %q, want doithoai", got)
	}
	for _, p := range api.Ports {
		if p.Target == 8080 && p.Published != "8080-8081" {
			t.Errorf("default api ports = %q, want 8080-8081 (one per replica)", p.Published)
		}
	}
}

func TestDockerfile(t *testing.T) {
	root := repoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	df := string(b)
	for _, want := range []string{"./cmd/api", "./cmd/worker", "CGO_ENABLED=0", "-trimpath", "EXPOSE 8080"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile does not mention %q", want)
		}
	}
	stages := dockerfileStages(t, filepath.Join(root, "Dockerfile"))
	for _, want := range []string{"api", "worker"} {
		if !slices.Contains(stages, want) {
			t.Errorf("Dockerfile has no stage %q (stages: %v)", want, stages)
		}
	}
	// The final stages must not run as root.
	if !regexp.MustCompile(`(?m)^USER\s+(nonroot|65532)`).MatchString(df) {
		t.Error("Dockerfile final stages must set a non-root USER")
	}
}
