// Package config reads the service configuration from environment variables,
// once, in main; everything else receives the values it needs.
package config

import (
	"fmt"
	"time"

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
	// WorkflowCacheSize is the sticky workflow cache size of the worker
	// (how many workflows it keeps in memory between their tasks). Unset
	// (0), the command decides: the worker process takes
	// WorkerWorkflowCacheSize, a process that runs everything (cmd/dev, the
	// test stacks) keeps the SDK's 10,000.
	WorkflowCacheSize int `env:"WORKER_WORKFLOW_CACHE_SIZE"`
	// WorkerPollers is how many pollers the worker runs for workflow tasks
	// and for activity tasks each.
	WorkerPollers int `env:"WORKER_POLLERS" envDefault:"8"`
	// CORSOrigins are the browser origins allowed to call the API
	// (comma-separated, e.g. https://doithoai.example.vn); none by default.
	CORSOrigins []string `env:"CORS_ALLOWED_ORIGINS" envSeparator:","`
	// MaxBodyBytes caps request bodies (survey batches are the largest).
	MaxBodyBytes int64 `env:"HTTP_MAX_BODY_BYTES" envDefault:"8388608"`
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration `env:"HTTP_READ_HEADER_TIMEOUT" envDefault:"10s"`
	// ReadTimeout bounds reading a whole request, body included: the
	// largest body (HTTP_MAX_BODY_BYTES, 8 MiB) needs about 1.1 Mbit/s to
	// arrive within the default.
	ReadTimeout time.Duration `env:"HTTP_READ_TIMEOUT" envDefault:"60s"`
	// PublicBodyTimeout bounds reading the body of a request to the public
	// survey link and the sign-in form, which anyone may send.
	PublicBodyTimeout time.Duration `env:"HTTP_PUBLIC_BODY_TIMEOUT" envDefault:"10s"`
	// MaxConns caps the open connections of the HTTP server; more wait to
	// be accepted.
	MaxConns int `env:"HTTP_MAX_CONNS" envDefault:"1024"`
	// MaxConnsPerClient caps the open connections from one address (not
	// counting TRUSTED_PROXIES) and the requests in flight from one client
	// (behind a trusted proxy, by X-Forwarded-For).
	MaxConnsPerClient int `env:"HTTP_MAX_CONNS_PER_CLIENT" envDefault:"64"`

	// AuthMode is how bearer tokens are verified: oidc (production: an
	// OpenID Connect issuer's keys) or hs256 (a shared secret: dev and
	// tests). Empty picks oidc when AUTH_OIDC_ISSUER_URL is set, hs256 when
	// AUTH_HS256_SECRET is.
	AuthMode string `env:"AUTH_MODE"`
	// AuthHS256Secret is the HMAC secret of hs256 tokens (at least 32
	// bytes). Never logged.
	AuthHS256Secret string `env:"AUTH_HS256_SECRET"`
	// AuthIssuer is the "iss" hs256 tokens must carry.
	AuthIssuer string `env:"AUTH_ISSUER" envDefault:"doithoai-dev"`
	// AuthAudience is the "aud" every token must carry (for OIDC, the
	// client id the provider puts in aud).
	AuthAudience string `env:"AUTH_AUDIENCE" envDefault:"doithoai"`
	// AuthOIDCIssuerURL is the OIDC issuer (Keycloak:
	// https://host/realms/<realm>); its discovery document names the keys.
	AuthOIDCIssuerURL string `env:"AUTH_OIDC_ISSUER_URL"`
	// AuthOIDCJWKSURL overrides the discovered key set URL.
	AuthOIDCJWKSURL string `env:"AUTH_OIDC_JWKS_URL"`
	// AuthOIDCKeyRefreshInterval is the least time between two fetches of
	// the OIDC key set (a token no cached key verifies fetches it at most
	// this often); 30s when unset.
	AuthOIDCKeyRefreshInterval time.Duration `env:"AUTH_OIDC_KEY_REFRESH_INTERVAL" envDefault:"30s"`
	// AuthRolesClaim is the claim (dot path) holding the roles; Keycloak
	// realm roles are realm_access.roles.
	AuthRolesClaim string `env:"AUTH_ROLES_CLAIM" envDefault:"roles"`
	// AuthUnitClaim is the claim holding the user's unit id.
	AuthUnitClaim string `env:"AUTH_UNIT_CLAIM" envDefault:"unit_id"`
	// AuthOIDCClientID and AuthOIDCClientSecret let the web pages sign
	// users in with the provider's login page (authorization code flow);
	// PublicURL is this service's address as browsers see it, for the
	// redirect back (https://doithoai.example.vn).
	AuthOIDCClientID     string `env:"AUTH_OIDC_CLIENT_ID"`
	AuthOIDCClientSecret string `env:"AUTH_OIDC_CLIENT_SECRET"`
	PublicURL            string `env:"PUBLIC_URL"`
	// TrustedProxies are the proxy addresses (CIDRs) whose
	// X-Forwarded-For names the client, for per-client rate limits; none
	// by default (the peer address is the client). Parsed here, once; an
	// entry that does not parse stops the service from starting.
	TrustedProxies Proxies `env:"TRUSTED_PROXIES"`
	// SurveyRatePerMinute and SurveyRateBurst bound the public survey link
	// per client address for the requests that carry no device id (the
	// stricter budget).
	SurveyRatePerMinute int `env:"SURVEY_RATE_PER_MINUTE" envDefault:"20"`
	SurveyRateBurst     int `env:"SURVEY_RATE_BURST" envDefault:"10"`
	// The survey link's other token buckets, each one request per Every up
	// to Burst, kept in PostgreSQL: per device id (one phone), per client
	// address over every link and device (sized for a commune hall: 300
	// respondents behind one NAT reading the form and answering at once),
	// and per link over every address (a ceiling no real survey reaches).
	SurveyDeviceEvery  time.Duration `env:"SURVEY_RATE_DEVICE_EVERY" envDefault:"6s"`
	SurveyDeviceBurst  int           `env:"SURVEY_RATE_DEVICE_BURST" envDefault:"20"`
	SurveyAddressEvery time.Duration `env:"SURVEY_RATE_ADDRESS_EVERY" envDefault:"500ms"`
	SurveyAddressBurst int           `env:"SURVEY_RATE_ADDRESS_BURST" envDefault:"600"`
	SurveyLinkEvery    time.Duration `env:"SURVEY_RATE_LINK_EVERY" envDefault:"25ms"`
	SurveyLinkBurst    int           `env:"SURVEY_RATE_LINK_BURST" envDefault:"3000"`
	// SurveyRateIdle is how long a full bucket is kept before its row is
	// deleted.
	SurveyRateIdle time.Duration `env:"SURVEY_RATE_IDLE" envDefault:"10m"`

	// SMTPAddr is host:port of the mail server; empty turns e-mail off.
	SMTPAddr string `env:"SMTP_ADDR"`
	// SMTPFrom is the sender address of alert and reminder mail.
	SMTPFrom string `env:"SMTP_FROM" envDefault:"doithoai@localhost"`
	// SMTPUsername and SMTPPassword authenticate (AUTH PLAIN) when set.
	SMTPUsername string `env:"SMTP_USERNAME"`
	SMTPPassword string `env:"SMTP_PASSWORD"`
	// SMTPTLS is none, starttls or tls.
	SMTPTLS string `env:"SMTP_TLS" envDefault:"none"`
	// SMSGatewayURL is the HTTP SMS gateway respondents' notices go to
	// (see notify.SMS); empty turns SMS off.
	SMSGatewayURL   string `env:"SMS_GATEWAY_URL"`
	SMSGatewayToken string `env:"SMS_GATEWAY_TOKEN"`
	// ContactRetention is how long after a dialogue closes its
	// respondents' contacts are kept before they are deleted.
	ContactRetention time.Duration `env:"CONTACT_RETENTION" envDefault:"2160h"`
	// HolidaysFile is a JSON file of the government's yearly changes to days
	// off (see internal/calendar); empty uses the statutory holidays only.
	HolidaysFile string `env:"HOLIDAYS_FILE"`
	// CloseOfDay is when a working day ends and deadlines in working days
	// fall, HH:MM in Vietnam time.
	CloseOfDay string `env:"CLOSE_OF_DAY" envDefault:"17:00"`

	// MetricsAddr is where the API process serves /metrics (Prometheus),
	// on a listener of its own so it is never reachable where the API is;
	// empty turns it off. A process that runs the API and the worker
	// serves both there.
	MetricsAddr string `env:"METRICS_ADDR" envDefault:":9091"`
	// WorkerMetricsAddr is where a worker process serves /metrics; empty
	// turns it off.
	WorkerMetricsAddr string `env:"WORKER_METRICS_ADDR" envDefault:":9090"`
	// BusinessGaugesTTL is how long the API reuses the business gauges
	// (SQL over the records) before a scrape reads them again.
	BusinessGaugesTTL time.Duration `env:"METRICS_BUSINESS_TTL" envDefault:"15s"`
	// OTLPEndpoint is the OpenTelemetry collector traces are exported to
	// (http/protobuf: its /v1/traces); OTLPTracesEndpoint, when set, is
	// the traces URL itself. Both empty: tracing off.
	OTLPEndpoint       string `env:"OTEL_EXPORTER_OTLP_ENDPOINT"`
	OTLPTracesEndpoint string `env:"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"`
	// OTLPProtocol is http/protobuf (the default) or grpc.
	OTLPProtocol string `env:"OTEL_EXPORTER_OTLP_PROTOCOL" envDefault:"http/protobuf"`
	// ServiceName is the service.name of the spans.
	ServiceName string `env:"OTEL_SERVICE_NAME" envDefault:"doithoai"`
}

// WorkerWorkflowCacheSize is the worker process's sticky workflow cache
// when WORKER_WORKFLOW_CACHE_SIZE is unset. A cached workflow costs about
// 60 KiB of resident memory (BenchmarkWorkerMemory in deploy), so 1,000
// keep a worker near 120 MiB (160 MiB at its peak) however many tasks are
// open, well inside its 1 GiB budget (README, Running in production); a
// workflow evicted from it is replayed at its next task, which costs a
// task workflow a few milliseconds.
const WorkerWorkflowCacheSize = 1000

// Load reads the configuration from the process environment.
func Load() (Config, error) {
	var c Config
	if err := env.Parse(&c); err != nil {
		return Config{}, fmt.Errorf("read configuration from environment: %w", err)
	}
	return c, nil
}

// Defaults is the configuration with every default and no environment, for
// tests and tools that set the rest themselves.
func Defaults() Config {
	var c Config
	if err := env.ParseWithOptions(&c, env.Options{Environment: map[string]string{}}); err != nil {
		panic(fmt.Sprintf("configuration defaults: %v", err)) // a bad envDefault tag: a programming error
	}
	return c
}
