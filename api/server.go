// Package api is the HTTP API of the service: a thin Gin layer that
// validates input, then starts workflows, sends them Updates, or reads
// PostgreSQL. Every error is JSON with a stable code and Vietnamese and
// English messages.
package api

import (
	"context"
	_ "embed"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

//go:embed openapi.yaml
var openAPISpec []byte

// OpenAPISpec returns the OpenAPI 3 document of this API.
func OpenAPISpec() []byte { return openAPISpec }

// Server holds the dependencies of the handlers.
type Server struct {
	Store     *store.Store
	Temporal  client.Client
	TaskQueue string
	Logger    *zap.Logger
	// MaxBodyBytes caps request bodies (default 8 MiB).
	MaxBodyBytes int64
	// UpdateTimeout bounds how long a handler waits for a workflow Update.
	UpdateTimeout time.Duration
	// Now is the clock of the API edge (validation and the in-memory rate
	// limit of a server without a store); default time.Now.
	Now func() time.Time
	// Feed wakes the streams of new alerts and notices (GET
	// /alerts/stream); nil turns the stream off. Run runs it.
	Feed *store.Feed
	// CORSOrigins are the browser origins allowed to call the API; none by
	// default.
	CORSOrigins []string
	// Auth verifies bearer tokens; nil refuses every authenticated route.
	Auth auth.Verifier
	// SurveyLimit bounds the public survey link per client address for the
	// requests that carry no device id (default 20 requests a minute,
	// bursts of 10).
	SurveyLimit RateLimit
	// SurveyBudgets are the link's other budgets: per device, per address
	// (sized for a commune hall) and per link; zero fields take
	// DefaultSurveyBudgets.
	SurveyBudgets SurveyBudgets
	// SecureCookies marks the device cookie of the survey link Secure
	// (PUBLIC_URL is https); it is Secure over TLS anyway.
	SecureCookies bool
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client; none by default.
	TrustedProxies config.Proxies
	// Limits bound the HTTP server Run serves on: read timeouts and
	// connections in total and per client (see Limits for the defaults).
	Limits Limits
	// PublicBodyTimeout bounds reading the body of a request to the public
	// survey link (default 10 s).
	PublicBodyTimeout time.Duration
	// Telemetry reports requests, survey answers and spans (each part
	// optional).
	Telemetry Telemetry

	// Mount, when set, adds routes of its own to the engine after the
	// API's: the composition root mounts the web pages with it.
	Mount func(r *gin.Engine)
	// NotFound, when set, answers unknown paths outside /api/ (the pages'
	// own not-found page).
	NotFound gin.HandlerFunc

	paths   unitPaths
	limiter surveyLimiter
}

// Deps are what the handlers use, built once by the composition root.
type Deps struct {
	Store    *store.Store
	Temporal client.Client
	Logger   *zap.Logger
	// Auth verifies bearer tokens; nil refuses every authenticated route.
	Auth auth.Verifier
	// Feed wakes the alert streams; nil turns the stream off.
	Feed *store.Feed
	// Telemetry reports to operators (metrics, traces); zero: nothing.
	Telemetry Telemetry
}

// Options are the hooks the composition root passes in at construction.
type Options struct {
	// Mount adds routes of its own to the engine after the API's (the web
	// pages).
	Mount func(r *gin.Engine)
	// NotFound answers unknown paths outside /api/.
	NotFound gin.HandlerFunc
}

// New builds the API server of the configuration (the HTTP settings, the
// task queue, the survey link's rate limit) over its dependencies.
func New(cfg config.Config, d Deps, o Options) *Server {
	s := &Server{
		Store: d.Store, Temporal: d.Temporal, Logger: d.Logger, Auth: d.Auth, Feed: d.Feed, Telemetry: d.Telemetry,
		TaskQueue: cfg.TaskQueue, MaxBodyBytes: cfg.MaxBodyBytes, CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies,
		Mount: o.Mount, NotFound: o.NotFound,
		Limits: Limits{
			ReadHeaderTimeout: cfg.ReadHeaderTimeout, ReadTimeout: cfg.ReadTimeout,
			MaxConns: cfg.MaxConns, MaxConnsPerClient: cfg.MaxConnsPerClient, TrustedProxies: cfg.TrustedProxies,
		},
		PublicBodyTimeout: cfg.PublicBodyTimeout,
	}
	if cfg.SurveyRatePerMinute > 0 {
		s.SurveyLimit = RateLimit{Every: time.Minute / time.Duration(cfg.SurveyRatePerMinute), Burst: cfg.SurveyRateBurst}
	}
	s.SurveyBudgets = SurveyBudgets{
		Device:  RateLimit{Every: cfg.SurveyDeviceEvery, Burst: cfg.SurveyDeviceBurst},
		Address: RateLimit{Every: cfg.SurveyAddressEvery, Burst: cfg.SurveyAddressBurst},
		Link:    RateLimit{Every: cfg.SurveyLinkEvery, Burst: cfg.SurveyLinkBurst},
		Idle:    cfg.SurveyRateIdle,
	}
	s.SecureCookies = strings.HasPrefix(cfg.PublicURL, "https://")
	return s
}

func (s *Server) logger() *zap.Logger {
	if s.Logger == nil {
		s.Logger = zap.NewNop()
	}
	return s.Logger
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) taskQueue() string {
	if s.TaskQueue == "" {
		return workflows.DefaultTaskQueue
	}
	return s.TaskQueue
}

func (s *Server) updateTimeout() time.Duration {
	if s.UpdateTimeout <= 0 {
		return 30 * time.Second
	}
	return s.UpdateTimeout
}

// Handler builds the Gin engine with every route, then lets Mount add its
// own.
func (s *Server) Handler() http.Handler {
	r := s.engine()
	s.publicRoutes(r)
	s.privateRoutes(r)
	if s.Mount != nil {
		s.Mount(r)
	}
	return s.traced(r)
}

// engine is a Gin engine with the API's middleware and its answers to
// unknown routes and methods.
func (s *Server) engine() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	s.logger() // a nil Logger becomes a no-op one
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	// The list was parsed once, with the configuration; gin takes it back
	// in canonical form and cannot fail on it.
	if err := r.SetTrustedProxies(s.TrustedProxies.Strings()); err != nil {
		s.logger().Error("trusted proxies refused", zap.Error(err))
		_ = r.SetTrustedProxies(nil)
	}
	maxBody := s.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = 8 << 20
	}
	r.Use(s.requestContext(), s.routeMetrics(), securityHeaders(), cors(s.CORSOrigins), s.recovery(), s.accessLog(), s.clientCap(), bodyLimit(maxBody))
	r.NoRoute(func(c *gin.Context) {
		if s.NotFound != nil && !strings.HasPrefix(c.Request.URL.Path, "/api/") {
			s.NotFound(c)
			return
		}
		abort(c, newError(http.StatusNotFound, CodeRouteNotFound, "Đường dẫn không tồn tại.", "No such route."))
	})
	r.NoMethod(func(c *gin.Context) {
		abort(c, newError(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "Phương thức không được hỗ trợ cho đường dẫn này.", "Method not allowed on this route."))
	})
	return r
}

// publicRoutes are the routes open without a token: health, the spec and
// the public survey link.
func (s *Server) publicRoutes(r *gin.Engine) {
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)

	pub := r.Group("/api/v1")
	pub.GET("/openapi.yaml", func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml; charset=utf-8", openAPISpec) })
	pub.GET("/healthz", s.healthz)
	pub.GET("/readyz", s.readyz)
	// The public survey link: no account, the link token is the key.
	s.limiter = newSurveyLimiter(s.SurveyLimit, s.SurveyBudgets, s.Store)
	pub.GET("/survey/:token", s.limit(), s.publicBodyDeadline(), s.getPublicSurvey)
	pub.POST("/survey/:token/responses", s.limit(), s.publicBodyDeadline(), publicBodyLimit, s.postPublicSurveyResponse)
	// Citizens follow their opinion by its receipt code, rate the result,
	// and read the pages the planners publish.
	pub.GET("/public/receipts/:code", s.getPublicReceipt)
	pub.POST("/public/receipts/:code/rating", s.publicBodyDeadline(), publicBodyLimit, s.ratePublicReceipt)
	pub.GET("/public/dialogues/:code", s.getPublicDialogue)
}

// privateRoutes are the routes that need a token and a role that allows
// them.
func (s *Server) privateRoutes(r *gin.Engine) {
	v1 := r.Group("/api/v1", s.authenticate(), s.guard())
	idem := s.idempotency()
	v1.POST("/units", idem, s.createUnit)
	v1.POST("/units/mergers", idem, s.createMerger)
	v1.GET("/units", s.listUnits)
	v1.GET("/units/:id", s.getUnit)
	v1.GET("/units/:id/channels", s.getChannels)
	v1.PUT("/units/:id/channels", s.putChannels)

	v1.POST("/plans", idem, s.createPlan)
	v1.GET("/plans", s.listPlans)
	v1.GET("/plans/:id", s.getPlan)
	v1.GET("/plans/:id/events", s.listPlanEvents)
	v1.POST("/plans/:id/dialogues", idem, s.addDialogue)

	v1.GET("/dialogues", s.listDialogues)
	v1.GET("/dialogues/:id", s.getDialogue)
	v1.POST("/dialogues/:id/reschedule", idem, s.rescheduleDialogue)
	v1.POST("/dialogues/:id/cancel", idem, s.cancelDialogue)
	v1.POST("/dialogues/:id/session", idem, s.recordSession)
	v1.POST("/dialogues/:id/survey/responses", idem, s.postSurveyResponses)
	v1.GET("/dialogues/:id/survey/responses", s.listSurveyResponses)
	v1.GET("/dialogues/:id/survey/summary", s.getSurveySummary)
	v1.GET("/dialogues/:id/events", s.listDialogueEvents)
	v1.POST("/dialogues/:id/tasks", idem, s.addTasks)
	v1.POST("/dialogues/:id/publish", idem, s.publishDialogue)

	v1.GET("/tasks", s.listTasks)
	v1.GET("/tasks/:id", s.getTask)
	v1.GET("/tasks/:id/events", s.listTaskEvents)
	v1.POST("/tasks/:id/result", idem, s.submitTaskResult)
	v1.POST("/tasks/:id/review", idem, s.reviewTask)
	v1.POST("/tasks/:id/extension", idem, s.requestExtension)
	v1.POST("/tasks/:id/extension/decision", idem, s.decideExtension)
	v1.POST("/tasks/:id/reassign", idem, s.reassignTask)
	v1.POST("/tasks/:id/cancel", idem, s.cancelTask)
	v1.POST("/tasks/:id/remarks", idem, s.postRemark)
	v1.GET("/tasks/:id/remarks", s.listRemarks)

	v1.GET("/dialogues/:id/report", s.getDialogueReport)
	v1.GET("/plans/:id/report", s.getPlanReport)
	v1.GET("/reports", s.getRollup)
	v1.GET("/reports/:id", s.getReport)
	v1.PUT("/reports/:id/assessment", s.putAssessment)
	v1.POST("/reports/:id/finalise", idem, s.finaliseReport)

	v1.GET("/audit", s.listAudit)
	v1.GET("/deliveries", s.listDeliveries)

	v1.GET("/alerts", s.listAlerts)
	v1.GET("/alerts/stream", s.streamAlerts)
	v1.POST("/alerts/:id/ack", idem, s.ackAlert)
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 only when PostgreSQL and Temporal both answer.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	checks := gin.H{}
	ready := true
	if err := s.Store.Ping(ctx); err != nil {
		checks["database"] = "unavailable: " + err.Error()
		ready = false
	} else {
		checks["database"] = "ok"
	}
	if s.Temporal == nil {
		checks["temporal"] = "unavailable: no client"
		ready = false
	} else if _, err := s.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		checks["temporal"] = "unavailable: " + err.Error()
		ready = false
	} else {
		checks["temporal"] = "ok"
	}
	if s.Auth == nil {
		checks["auth"] = "unavailable: not configured (set AUTH_OIDC_ISSUER_URL or AUTH_HS256_SECRET)"
		ready = false
	} else {
		checks["auth"] = "ok"
	}
	status, code := "ready", http.StatusOK
	if !ready {
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	c.JSON(code, gin.H{"status": status, "checks": checks})
}
