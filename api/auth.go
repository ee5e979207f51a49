package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

const (
	ctxCaller     = "caller"
	ctxActingRole = "acting_role"
)

// Error codes of authentication and authorisation.
const (
	CodeUnauthenticated = "unauthenticated"
	CodeTokenExpired    = "token_expired"
	CodeForbidden       = "forbidden"
	CodeAuthUnavailable = "auth_unavailable"
)

// caller is the authenticated user with the path of their unit.
type caller struct {
	auth.Principal
	// UnitPath is the materialised path of the user's unit ("" without
	// one).
	UnitPath string
	// Past are the units merged into the caller's reach, whose records the
	// caller reads as history (only the reading actions use them; see
	// readsPast).
	Past []store.PastUnit
}

// globalAdmin is an administrator bound to no unit: the only caller who
// may create province-level units and read the whole audit trail.
func (c *caller) globalAdmin() bool { return c.UnitID == "" && c.HasRole(auth.RoleAdmin) }

// unitPaths caches unit paths; units are never moved or deleted, so an
// entry never goes stale.
type unitPaths struct{ m sync.Map }

// path returns the unit's materialised path, or store.ErrNotFound.
func (s *Server) unitPath(ctx context.Context, id string) (string, error) {
	if v, ok := s.paths.m.Load(id); ok {
		return v.(string), nil
	}
	u, err := s.Store.GetUnit(ctx, id)
	if err != nil {
		return "", err
	}
	s.paths.m.Store(id, u.Path)
	return u.Path, nil
}

func unauthenticated(code, vi, en string) *contract.Error {
	return newError(http.StatusUnauthorized, code, vi, en)
}

var errForbidden = newError(http.StatusForbidden, CodeForbidden,
	"Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.")

// authenticate reads the bearer token, verifies it and puts the caller in
// the context; a missing or bad token is 401 (with WWW-Authenticate), a
// token whose unit does not exist is 403.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		scheme, raw, _ := strings.Cut(h, " ")
		raw = strings.TrimSpace(raw)
		if h == "" && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) {
			// The web pages' session cookie, for reads only (the live
			// stream, export downloads): a browser cannot be tricked into a
			// change by a cookie it sends along.
			if ck, err := c.Cookie(auth.SessionCookie); err == nil && ck != "" {
				h, scheme, raw = "cookie", "Bearer", ck
			}
		}
		if h == "" || !strings.EqualFold(scheme, "Bearer") || raw == "" {
			c.Header("WWW-Authenticate", `Bearer realm="doithoai"`)
			abort(c, unauthenticated(CodeUnauthenticated,
				"Cần đăng nhập: gửi mã truy cập trong tiêu đề Authorization: Bearer <token>.",
				"Authentication required: send an access token as Authorization: Bearer <token>."))
			return
		}
		if s.Auth == nil {
			abort(c, newError(http.StatusServiceUnavailable, CodeAuthUnavailable,
				"Máy chủ chưa được cấu hình xác thực (AUTH_OIDC_ISSUER_URL hoặc AUTH_HS256_SECRET).",
				"The server has no authentication configured (AUTH_OIDC_ISSUER_URL or AUTH_HS256_SECRET)."))
			return
		}
		p, err := s.Auth.Verify(c.Request.Context(), raw)
		var te *auth.TokenError
		if err != nil && !errors.As(err, &te) {
			// The token could not be checked (the issuer's keys are out of
			// reach): not the client's fault.
			logger(c).Warn("token verification unavailable", zap.Error(err))
			abort(c, newError(http.StatusServiceUnavailable, CodeAuthUnavailable,
				"Không kiểm tra được mã truy cập lúc này (máy chủ xác thực không phản hồi), vui lòng thử lại sau.",
				"The access token cannot be checked right now (the identity provider does not answer); retry later."))
			return
		}
		if err != nil {
			reason := te.Reason
			logger(c).Info("token rejected", zap.String("reason", reason))
			c.Header("WWW-Authenticate", `Bearer realm="doithoai", error="invalid_token"`)
			e := unauthenticated(CodeUnauthenticated, "Mã truy cập không hợp lệ.", "The access token is not valid.")
			if reason == "expired" {
				e = unauthenticated(CodeTokenExpired, "Mã truy cập đã hết hạn, vui lòng đăng nhập lại.", "The access token has expired; sign in again.")
			}
			e.Details = map[string]any{"reason": reason}
			abort(c, e)
			return
		}
		cl := &caller{Principal: p}
		if p.UnitID != "" {
			path, err := "", store.ErrNotFound
			if isUUID(p.UnitID) { // no unit has another id: nothing to look up
				path, err = s.unitPath(c.Request.Context(), p.UnitID)
			}
			if errors.Is(err, store.ErrNotFound) {
				abort(c, newError(http.StatusForbidden, CodeForbidden,
					"Đơn vị ghi trong mã truy cập không tồn tại.", "The unit named in the access token does not exist."))
				return
			}
			if err != nil {
				abort(c, err)
				return
			}
			cl.UnitPath = path
			// Read by the reading actions; a command needs them only to
			// answer 403 rather than 404 on a predecessor's record.
			if cl.Past, err = s.Store.PastUnitsOf(c.Request.Context(), p.UnitID, path); err != nil {
				abort(c, err)
				return
			}
		}
		c.Set(ctxCaller, cl)
		c.Set(ctxLogger, logger(c).With(zap.String("user", p.Subject)))
		c.Next()
	}
}

// callerOf returns the authenticated caller (never nil behind
// authenticate).
func callerOf(c *gin.Context) *caller {
	if v, ok := c.Get(ctxCaller); ok {
		return v.(*caller)
	}
	return &caller{}
}

// actor is who issued the request: the token's subject and the role the
// action was allowed by, carried into every workflow command and event.
func actor(c *gin.Context) domain.Actor {
	cl := callerOf(c)
	id := cl.Subject
	if id == "" {
		id = "anonymous"
	}
	return domain.Actor{ID: id, Name: cl.Name, Role: c.GetString(ctxActingRole), RequestID: requestID(c)}
}
