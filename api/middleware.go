package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/logging"
	"github.com/doithoai/doithoai/internal/store"
)

const (
	ctxBodyHash  = "idempotency_body_hash"
	ctxRequestID = "request_id"
	ctxLogger    = "logger"
	// HeaderRequestID carries the request ID in both directions.
	HeaderRequestID = "X-Request-ID"
	// HeaderIdempotencyKey makes a creating request safe to retry.
	HeaderIdempotencyKey = "Idempotency-Key"
)

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

func (s *Server) requestContext() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(HeaderRequestID)
		if !safeRequestID.MatchString(id) {
			id = uuid.NewString()
		}
		c.Set(ctxRequestID, id)
		c.Set(ctxLogger, logging.WithTrace(c.Request.Context(), s.Logger.With(zap.String("request_id", id))))
		c.Header(HeaderRequestID, id)
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

func logger(c *gin.Context) *zap.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*zap.Logger)
	}
	return zap.NewNop()
}

func (s *Server) recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				logger(c).Error("panic in handler", zap.Any("panic", r), zap.Stack("stack"))
				abort(c, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

func (s *Server) accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		logger(c).Info("http",
			zap.String("method", c.Request.Method), zap.String("path", c.Request.URL.Path),
			zap.Int("status", c.Writer.Status()), zap.Duration("took", time.Since(start)))
	}
}

// CodeTooManyConnections answers a client with too many requests in
// flight.
const CodeTooManyConnections = "too_many_connections"

// inflightKey marks a request's context as counted by clientCap, so the
// pages' in-process calls to the API (which carry their page request's
// context) are not counted a second time.
type inflightKey struct{}

// inflight counts the requests in flight per client.
type inflight struct {
	max int
	mu  sync.Mutex
	n   map[string]int
}

func (f *inflight) take(client string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[client] >= f.max {
		return false
	}
	f.n[client]++
	return true
}

func (f *inflight) done(client string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[client]--; f.n[client] <= 0 {
		delete(f.n, client)
	}
}

// clientCap refuses (503, Retry-After: 1) a request from a client that
// already has Limits.MaxConnsPerClient requests in flight. The client is
// c.ClientIP(): the peer address, or X-Forwarded-For from a trusted proxy
// (as the survey link's rate limit counts it), so the clients behind a
// proxy are capped one by one while the proxy's own connections are not.
func (s *Server) clientCap() gin.HandlerFunc {
	f := &inflight{max: s.Limits.withDefaults().MaxConnsPerClient, n: map[string]int{}}
	return func(c *gin.Context) {
		if c.Request.Context().Value(inflightKey{}) != nil {
			c.Next() // a page's in-process call: its page request is counted
			return
		}
		client := c.ClientIP()
		if !f.take(client) {
			c.Header("Retry-After", "1")
			vi, en := "Có quá nhiều yêu cầu cùng lúc từ địa chỉ của bạn, vui lòng thử lại sau giây lát.",
				"Too many requests at once from your address; please try again shortly."
			if !strings.HasPrefix(c.Request.URL.Path, "/api/") {
				c.Header("Connection", "close")
				c.String(http.StatusServiceUnavailable, vi+"\n"+en+"\n")
				c.Abort()
				return
			}
			abort(c, newError(http.StatusServiceUnavailable, CodeTooManyConnections, vi, en))
			return
		}
		defer f.done(client)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), inflightKey{}, true))
		c.Next()
	}
}

func bodyLimit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// bufferedWriter keeps a copy of the response for the idempotency record.
type bufferedWriter struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *bufferedWriter) WriteString(s string) (int, error) {
	w.buf.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

// idempotency makes a request with an Idempotency-Key safe to retry: the
// same key and body return the stored response; the same key with another
// body is 409, and so is the same key while its first request is still
// being handled. Responses of 5xx are not stored, so a retry runs again;
// neither is anything when the handler panics. A claim whose request never
// finished (its process died) is taken over by a request with the same key
// and body after store.IdempotencyClaimTimeout.
func (s *Server) idempotency() gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader(HeaderIdempotencyKey)
		if key == "" {
			c.Next()
			return
		}
		if len(key) > 255 {
			abort(c, validationError(fieldErrorMsg(HeaderIdempotencyKey, "too_long", "Idempotency-Key dài tối đa 255 ký tự.", "Idempotency-Key is at most 255 characters.")))
			return
		}
		if !plainText(key) {
			abort(c, validationError(fieldError(HeaderIdempotencyKey, "invalid_characters")))
			return
		}
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			abort(c, newError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "Nội dung yêu cầu quá lớn.", "The request body is too large."))
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])
		c.Set(ctxBodyHash, hash)
		// Keys are per user and reach (idempotencyScope).
		scope := idempotencyScope(c)
		claim, rec, err := s.Store.ClaimIdempotencyKey(c.Request.Context(), scope, key, hash, store.IdempotencyClaimTimeout)
		if err != nil {
			abort(c, err)
			return
		}
		if rec != nil {
			switch {
			case rec.RequestHash != hash:
				abort(c, newError(http.StatusConflict, CodeIdempotencyMismatch,
					"Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác.", "This Idempotency-Key was used with a different request body."))
			case rec.Status == 0:
				abort(c, newError(http.StatusConflict, CodeIdempotencyPending,
					"Yêu cầu với Idempotency-Key này đang được xử lý, vui lòng thử lại sau.", "A request with this Idempotency-Key is still being processed; retry later."))
			default:
				c.Header("Idempotent-Replayed", "true")
				c.Data(rec.Status, "application/json; charset=utf-8", rec.Response)
				c.Abort()
			}
			return
		}
		bw := &bufferedWriter{ResponseWriter: c.Writer}
		c.Writer = bw
		returned := false
		// Deferred, so a panicking handler releases the key on its way up
		// to the recovery middleware (which answers 500).
		defer func() {
			ctx := context.WithoutCancel(c.Request.Context())
			if status := bw.Status(); !returned || status >= 500 {
				if err := s.Store.ReleaseIdempotencyKey(ctx, claim); err != nil {
					logger(c).Warn("release idempotency key", zap.Error(err))
				}
			} else if err := s.Store.CompleteIdempotencyKey(ctx, claim, status, bw.buf.Bytes()); err != nil {
				logger(c).Warn("store idempotent response", zap.Error(err))
			}
		}()
		c.Next()
		returned = true
	}
}

// idempotencyUpdateID is the Temporal Update ID of a command sent with an
// Idempotency-Key: the same for every attempt of the same request (method,
// path, key and body), so Temporal runs the Update once even when an attempt timed
// out after Temporal had taken it, and a retry gets that Update's outcome.
// It is "" (a fresh ID per call) without a key.
func idempotencyUpdateID(c *gin.Context) string {
	key := c.GetHeader(HeaderIdempotencyKey)
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(callerOf(c).Subject + "\n" + c.Request.Method + "\n" + c.Request.URL.Path + "\n" + key + "\n" + c.GetString(ctxBodyHash)))
	return "idem-" + hex.EncodeToString(sum[:])
}

// idempotencyName derives a stable name from the request's Idempotency-Key
// for ids made from it: ok is false without a key.
func idempotencyName(c *gin.Context) (name string, ok bool) {
	key := c.GetHeader(HeaderIdempotencyKey)
	if key == "" {
		return "", false
	}
	sum := sha256.Sum256([]byte(callerOf(c).Subject + "\n" + key))
	return hex.EncodeToString(sum[:]), true
}
