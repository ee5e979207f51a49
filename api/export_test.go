package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
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
