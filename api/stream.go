package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Feed fans out new alerts and notices to Server-Sent Event streams.
// (Placeholder: being implemented.)
type Feed struct{}

func (s *Server) streamAlerts(c *gin.Context) {
	abort(c, newError(http.StatusNotImplemented, CodeInternal, "Chưa hỗ trợ.", "Not implemented yet."))
}
