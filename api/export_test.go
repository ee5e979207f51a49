package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/auth"
)

// HandlerWithIdempotentRoute is the API's handler with one more POST route
// at path, whose handler is h, behind the same middleware as the API's
// creating routes (Idempotency-Key included): tests of the middleware give
// it handlers that panic or answer on demand.
func (s *Server) HandlerWithIdempotentRoute(path string, h gin.HandlerFunc) http.Handler {
	eng := s.Handler().(*gin.Engine)
	eng.POST(path, s.idempotency(), h)
	return eng
}

// IdempotencyScope is the Idempotency-Key scope of a request by p.
func IdempotencyScope(method, path string, p auth.Principal) string {
	return idempotencyScopeOf(method, path, &caller{Principal: p})
}
