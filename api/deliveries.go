package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/store"
)

// listDeliveries answers GET /deliveries: the alerts and notices recorded
// as undelivered (their delivery bound ran out against a unit's webhook or
// mail), newest first; status=undelivered (the default) those still short
// of a target, delivered those through since, all both. Deliveries are the
// service's own operation, across units: a global admin's list.
func (s *Server) listDeliveries(c *gin.Context) {
	if !callerOf(c).globalAdmin() {
		abort(c, errForbidden)
		return
	}
	limit, offset, err := pagination(c)
	if err != nil {
		abort(c, err)
		return
	}
	f := store.UndeliveredFilter{Status: store.UndeliveredOpen, Limit: limit, Offset: offset}
	switch v := c.Query("status"); v {
	case "", store.UndeliveredOpen:
	case store.UndeliveredDelivered:
		f.Status = v
	case "all":
		f.Status = ""
	default:
		abort(c, validationError(fieldErrorMsg("status", "invalid_enum",
			"Trạng thái phải là undelivered, delivered hoặc all.", "status must be undelivered, delivered or all.")))
		return
	}
	items, total, err := s.Store.ListUndelivered(c.Request.Context(), f)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, contract.Page[store.UndeliveredItem]{Items: items, Total: total, Limit: limit, Offset: offset})
}
