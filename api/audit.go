package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/store"
)

var auditEntityTypes = map[string]bool{"unit": true, "plan": true, "dialogue": true, "task": true, "alert": true, "report": true}

// listAudit answers GET /audit: the append-only audit trail, oldest first,
// filtered by entity, actor, action or unit subtree.
func (s *Server) listAudit(c *gin.Context) {
	limit, offset, err := pagination(c)
	if err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	f := store.EventFilter{Limit: limit, Offset: offset}
	if v := c.Query("entity_type"); v != "" {
		if !auditEntityTypes[v] {
			errs = append(errs, fieldErrorMsg("entity_type", "invalid_enum",
				"Loại đối tượng phải là unit, plan, dialogue, task, alert hoặc report.", "entity_type must be unit, plan, dialogue, task, alert or report."))
		}
		f.EntityType = v
	}
	f.EntityID = uuidQuery(c, "entity_id", &errs)
	f.UnitID = uuidQuery(c, "unit_id", &errs)
	f.Subtree = subtreeParam(c, &errs)
	f.Actor = strings.TrimSpace(c.Query("actor"))
	f.Action = strings.TrimSpace(c.Query("action"))
	f.Scope = callerOf(c).scope(kindAudit)
	checkText(&errs, "actor", f.Actor, false, 200)
	checkText(&errs, "action", f.Action, false, 100)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	if !s.checkUnitParam(c, f.UnitID) {
		return
	}
	evs, total, err := s.Store.ListAuditEvents(c.Request.Context(), f)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, contract.Page[store.Event]{Items: evs, Total: total, Limit: limit, Offset: offset})
}

// listPlanEvents answers GET /plans/{id}/events: the plan's audit trail.
func (s *Server) listPlanEvents(c *gin.Context) {
	p, ok := s.loadPlan(c)
	if !ok {
		return
	}
	s.respondEvents(c, "plan", p.ID)
}

// listDialogueEvents answers GET /dialogues/{id}/events: the dialogue's
// audit trail.
func (s *Server) listDialogueEvents(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	s.respondEvents(c, "dialogue", d.ID)
}

// listTaskEvents answers GET /tasks/{id}/events: the task's audit trail.
func (s *Server) listTaskEvents(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	s.respondEvents(c, "task", t.ID)
}

func (s *Server) respondEvents(c *gin.Context, entityType, id string) {
	evs, err := s.Store.ListEvents(c.Request.Context(), entityType, id)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": evs})
}
