// Package config reads the service configuration from environment variables,
// once, in main; everything else receives the values it needs.
package config

import (
	"fmt"

	"github.com/caarlos0/env/v11"
)

// Config is the whole runtime configuration of the api, worker and dev
// commands. Every field has a documented default so the service starts with
// no environment at all (except DATABASE_URL for api and worker).
type Config struct {
	// DatabaseURL is the PostgreSQL connection string.
	DatabaseURL string `env:"DATABASE_URL"`
	// TemporalAddress is the Temporal frontend host:port.
	TemporalAddress string `env:"TEMPORAL_ADDRESS" envDefault:"127.0.0.1:7233"`
	// TemporalNamespace is the Temporal namespace the service uses.
	TemporalNamespace string `env:"TEMPORAL_NAMESPACE" envDefault:"default"`
	// TaskQueue is the Temporal task queue of the worker.
	TaskQueue string `env:"TEMPORAL_TASK_QUEUE" envDefault:"doithoai"`
	// HTTPAddr is the listen address of the HTTP API.
	HTTPAddr string `env:"HTTP_ADDR" envDefault:":8080"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `env:"LOG_LEVEL" envDefault:"info"`
	// LogFormat is json (production) or console (dev).
	LogFormat string `env:"LOG_FORMAT" envDefault:"json"`
	// MigrateOnStart applies pending schema migrations when a command starts.
	MigrateOnStart bool `env:"MIGRATE_ON_START" envDefault:"true"`
	// WorkflowCacheSize is the sticky workflow cache size of the worker.
	WorkflowCacheSize int `env:"WORKER_WORKFLOW_CACHE_SIZE" envDefault:"2000"`
	// MaxBodyBytes caps request bodies (survey batches are the largest).
	MaxBodyBytes int64 `env:"HTTP_MAX_BODY_BYTES" envDefault:"8388608"`
}

// Load reads the configuration from the process environment.
func Load() (Config, error) {
	var c Config
	if err := env.Parse(&c); err != nil {
		return Config{}, fmt.Errorf("read configuration from environment: %w", err)
	}
	return c, nil
}
