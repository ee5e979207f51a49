package api

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

var levelRank = map[string]int{domain.LevelProvince: 1, domain.LevelDistrict: 2, domain.LevelCommune: 3}

func (s *Server) createUnit(c *gin.Context) {
	var req contract.CreateUnitRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" {
		errs = append(errs, fieldError("name", "required"))
	} else if utf8.RuneCountInString(req.Name) > 200 {
		errs = append(errs, fieldError("name", "too_long"))
	}
	if _, ok := levelRank[req.Level]; !ok {
		errs = append(errs, fieldErrorMsg("level", "invalid_enum", "Cấp phải là province, district hoặc commune.", "level must be province, district or commune."))
	}
	if req.Code != nil && (strings.TrimSpace(*req.Code) == "" || utf8.RuneCountInString(*req.Code) > 50) {
		errs = append(errs, fieldError("code", "invalid_value"))
	}
	var parent *store.Unit
	if req.ParentID != nil {
		pid, err := uuid.Parse(*req.ParentID)
		if err != nil {
			errs = append(errs, fieldError("parent_id", "invalid_id"))
		} else if ok, err := s.canOnUnit(c, kindUnits, pid.String()); err != nil {
			abort(c, err)
			return
		} else if !ok {
			errs = append(errs, unknownUnitField("parent_id"))
		} else if parent, err = s.Store.GetUnit(c.Request.Context(), pid.String()); err != nil {
			abort(c, err)
			return
		}
	} else if callerOf(c).globalAdmin() {
		allowRole(c)
	} else if _, ok := levelRank[req.Level]; ok && levelRank[req.Level] == 1 {
		// Only an administrator bound to no unit creates top-level units.
		abort(c, errForbidden)
		return
	}
	if rank, ok := levelRank[req.Level]; ok {
		switch {
		case rank == 1 && req.ParentID != nil:
			errs = append(errs, fieldError("parent_id", "parent_not_allowed"))
		case rank > 1 && req.ParentID == nil:
			errs = append(errs, fieldError("parent_id", "parent_required"))
		case parent != nil && levelRank[parent.Level] >= rank:
			errs = append(errs, fieldErrorMsg("parent_id", "invalid_parent_level",
				"Đơn vị cha phải ở cấp cao hơn ("+parent.Level+" không thể chứa "+req.Level+").",
				"The parent must be of a higher level ("+parent.Level+" cannot contain "+req.Level+")."))
		}
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	u := &store.Unit{ID: uuid.NewString(), Name: req.Name, Level: req.Level, Code: req.Code}
	if parent != nil {
		u.ParentID = &parent.ID
	}
	if err := s.Store.CreateUnit(c.Request.Context(), u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			abort(c, newError(http.StatusConflict, CodeUnitExists, "Mã đơn vị đã tồn tại.", "A unit with this code already exists."))
			return
		}
		abort(c, err)
		return
	}
	act := actor(c)
	ev := store.NewEvent("unit/"+u.ID+"/created", act.ID, act.Role, "unit.created", "unit", u.ID, u.ID, act.RequestID,
		map[string]any{"after": map[string]any{"name": u.Name, "level": u.Level, "parent_id": u.ParentID}})
	if err := s.Store.AppendEvent(c.Request.Context(), ev); err != nil {
		abort(c, err)
		return
	}
	c.Header("Location", "/api/v1/units/"+u.ID)
	c.JSON(http.StatusCreated, u)
}

func (s *Server) listUnits(c *gin.Context) {
	limit, offset, err := pagination(c)
	if err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	f := store.UnitFilter{Limit: limit, Offset: offset}
	f.ParentID = uuidQuery(c, "parent_id", &errs)
	subtree := subtreeParam(c, &errs) // checked even without unit_id
	if unitID := uuidQuery(c, "unit_id", &errs); unitID != "" {
		if subtree {
			f.Subtree = unitID
		} else {
			f.UnitID = unitID
		}
	}
	f.Scope = callerOf(c).scope(kindUnits)
	if lv := c.Query("level"); lv != "" {
		if _, ok := levelRank[lv]; !ok {
			errs = append(errs, fieldError("level", "invalid_enum"))
		}
		f.Level = lv
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	if !s.checkUnitParam(c, f.ParentID) || !s.checkUnitParam(c, f.Subtree) || !s.checkUnitParam(c, f.UnitID) {
		return
	}
	units, total, err := s.Store.ListUnits(c.Request.Context(), f)
	if err != nil {
		abort(c, err)
		return
	}
	if units == nil {
		units = []store.Unit{}
	}
	c.JSON(http.StatusOK, contract.Page[store.Unit]{Items: units, Total: total, Limit: limit, Offset: offset})
}

func (s *Server) getUnit(c *gin.Context) {
	u, ok := s.loadUnit(c)
	if !ok {
		return
	}
	children, _, err := s.Store.ListUnits(c.Request.Context(), store.UnitFilter{ParentID: u.ID, Scope: callerOf(c).scope(kindUnits)})
	if err != nil {
		abort(c, err)
		return
	}
	if children == nil {
		children = []store.Unit{}
	}
	c.JSON(http.StatusOK, contract.UnitView{Unit: *u, Children: children})
}
