package api

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/gin-gonic/gin"
)

// idempotencyScope is the scope an Idempotency-Key is remembered in: a
// digest of the request's method and path and of everything that decides
// what the caller reaches (subject, unit, roles). The same key replays a
// response only to a caller with the same reach: a user whose token now
// names another unit or other roles runs the request again and is
// authorised afresh. Being a digest, the scope carries no request text to
// the database.
func idempotencyScope(c *gin.Context) string {
	return idempotencyScopeOf(c.Request.Method, c.Request.URL.Path, callerOf(c))
}

func idempotencyScopeOf(method, path string, cl *caller) string {
	h := sha256.New()
	for _, part := range []string{method, path, cl.Subject, cl.UnitID, strings.Join(cl.Roles, ",")} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
