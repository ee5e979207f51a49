package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

var recipientRoles = map[string]bool{
	domain.RolePlanner: true, domain.RoleHost: true, domain.RoleOfficer: true,
	domain.RoleMonitor: true, domain.RoleMTTQ: true, domain.RoleAdmin: true, domain.RolePartyCommittee: true,
}

func (s *Server) listAlerts(c *gin.Context) {
	limit, offset, err := pagination(c)
	if err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	f := store.AlertFilter{Limit: limit, Offset: offset}
	f.UnitID = uuidQuery(c, "unit_id", &errs)
	f.DialogueID = uuidQuery(c, "dialogue_id", &errs)
	f.Subtree = subtreeParam(c, &errs)
	f.Scope = callerOf(c).scope(kindAlerts)
	if v := c.Query("recipient_role"); v != "" {
		if !recipientRoles[v] {
			errs = append(errs, fieldError("recipient_role", "invalid_enum"))
		}
		f.RecipientRole = v
	}
	if v := c.Query("status"); v != "" {
		if v != "open" && v != "acknowledged" {
			errs = append(errs, fieldError("status", "invalid_enum"))
		}
		f.Status = v
	}
	f.Kind = c.Query("kind")
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	if !s.checkUnitParam(c, f.UnitID) {
		return
	}
	as, total, err := s.Store.ListAlerts(c.Request.Context(), f)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, contract.Page[store.Alert]{Items: as, Total: total, Limit: limit, Offset: offset})
}

func (s *Server) ackAlert(c *gin.Context) {
	id, err := uuidParam(c, "id", "cảnh báo", "Alert")
	if err != nil {
		abort(c, err)
		return
	}
	ctx := c.Request.Context()
	a, err := s.Store.GetAlert(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = notFoundError("cảnh báo", "Alert")
		}
		abort(c, err)
		return
	}
	path, err := s.unitPath(ctx, a.UnitID)
	if err != nil {
		abort(c, err)
		return
	}
	if !s.authorize(c, resource{kind: kindAlerts, unitID: a.UnitID, unitPath: path, role: a.RecipientRole}, "cảnh báo", "Alert") {
		return
	}
	act := actor(c)
	ev := store.NewEvent("", act.ID, act.Role, "alert.acknowledged", "alert", a.ID, a.UnitID, act.RequestID, map[string]any{"kind": a.Kind})
	a, err = s.Store.AckAlert(ctx, id, act.ID, s.now(), ev)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}
