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
	"github.com/doithoai/doithoai/internal/unitmap"
)

// levelRank ranks the levels a roll-up may group by (reports.go); unit
// creation and lists read the whole map from internal/unitmap.
var levelRank = map[string]int{domain.LevelProvince: 1, domain.LevelDistrict: 2, domain.LevelCommune: 3}

func (s *Server) createUnit(c *gin.Context) {
	var req contract.CreateUnitRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	errs := checkUnitRequest(&req)
	parent, ok := s.unitParent(c, &req, &errs)
	if !ok {
		return
	}
	errs = append(errs, checkUnitParent(req.Level, parent, req.ParentID != nil)...)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	u := &store.Unit{ID: uuid.NewString(), Name: req.Name, Level: req.Level, Kind: req.Kind, Code: req.Code}
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
		map[string]any{"after": map[string]any{"name": u.Name, "level": u.Level, "kind": u.Kind, "parent_id": u.ParentID}})
	if err := s.Store.AppendEvent(c.Request.Context(), ev); err != nil {
		abort(c, err)
		return
	}
	c.Header("Location", "/api/v1/units/"+u.ID)
	c.JSON(http.StatusCreated, u)
}

// checkUnitRequest checks a new unit's own fields: name, level, the kind
// against the level (internal/unitmap), code.
func checkUnitRequest(req *contract.CreateUnitRequest) []contract.FieldError {
	var errs []contract.FieldError
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" {
		errs = append(errs, fieldError("name", "required"))
	} else if utf8.RuneCountInString(req.Name) > 200 {
		errs = append(errs, fieldError("name", "too_long"))
	}
	req.Kind = strings.TrimSpace(req.Kind)
	if !unitmap.ValidLevel(req.Level) {
		errs = append(errs, fieldErrorMsg("level", "invalid_enum",
			"Cấp phải là national, province, district hoặc commune.", "level must be national, province, district or commune."))
	} else if !unitmap.ValidKind(req.Level, req.Kind) {
		errs = append(errs, invalidKindError(req.Level))
	}
	if req.Code != nil && (strings.TrimSpace(*req.Code) == "" || utf8.RuneCountInString(*req.Code) > 50) {
		errs = append(errs, fieldError("code", "invalid_value"))
	}
	return errs
}

// invalidKindError says which kinds the level allows, with their labels.
func invalidKindError(level string) contract.FieldError {
	lvVI, lvEN := unitmap.LevelLabel(level)
	kindsVI, kindsEN := unitmap.KindList(level)
	if kindsVI == "" {
		return fieldErrorMsg("kind", "invalid_kind",
			"Cấp "+lvVI+" không có loại đơn vị; để trống kind.", "The "+lvEN+" level has no kinds; leave kind empty.")
	}
	return fieldErrorMsg("kind", "invalid_kind",
		"Loại đơn vị không hợp với cấp "+lvVI+"; chọn một trong: "+kindsVI+".",
		"kind does not fit the "+lvEN+" level; use one of: "+kindsEN+".")
}

// unitParent reads and authorises the parent a new unit names. Without a
// parent, only an administrator bound to no unit creates a top unit (the
// national root or a province). ok is false when the response is written.
func (s *Server) unitParent(c *gin.Context, req *contract.CreateUnitRequest, errs *[]contract.FieldError) (*store.Unit, bool) {
	if req.ParentID == nil {
		if callerOf(c).globalAdmin() {
			allowRole(c)
		} else if r := unitmap.Rank(req.Level); r >= 0 && r <= 1 {
			abort(c, errForbidden)
			return nil, false
		}
		return nil, true
	}
	pid, err := uuid.Parse(*req.ParentID)
	if err != nil {
		*errs = append(*errs, fieldError("parent_id", "invalid_id"))
		return nil, true
	}
	if ok, err := s.canOnUnit(c, kindUnits, pid.String()); err != nil {
		abort(c, err)
		return nil, false
	} else if !ok {
		*errs = append(*errs, unknownUnitField("parent_id"))
		return nil, true
	}
	parent, err := s.Store.GetUnit(c.Request.Context(), pid.String())
	if err != nil {
		abort(c, err)
		return nil, false
	}
	return parent, true
}

// checkUnitParent checks where a unit of this level may hang: the national
// root and a province may stand alone (a province may also sit under the
// national root); a district or commune needs a parent of a higher level;
// a merged unit takes no new units.
func checkUnitParent(level string, parent *store.Unit, named bool) []contract.FieldError {
	rank := unitmap.Rank(level)
	switch {
	case rank < 0:
		return nil // the level's own error says it
	case rank == 0 && named:
		return []contract.FieldError{fieldErrorMsg("parent_id", "parent_not_allowed",
			"Cấp Trung ương không có đơn vị cha.", "The national root has no parent.")}
	case rank > 1 && !named:
		return []contract.FieldError{fieldErrorMsg("parent_id", "parent_required",
			"Đơn vị cấp huyện (trước 01/7/2025) hoặc cấp xã cần đơn vị cha.", "District (before 1 July 2025) and commune units need a parent.")}
	case parent == nil:
		return nil
	case !unitmap.CanContain(parent.Level, level):
		pVI, pEN := unitmap.LevelLabel(parent.Level)
		cVI, cEN := unitmap.LevelLabel(level)
		return []contract.FieldError{fieldErrorMsg("parent_id", "invalid_parent_level",
			"Đơn vị cha phải ở cấp cao hơn (cấp "+pVI+" không thể chứa cấp "+cVI+").",
			"The parent must be of a higher level ("+pEN+" cannot contain "+cEN+").")}
	case parent.Merged():
		return []contract.FieldError{fieldErrorMsg("parent_id", "parent_merged",
			"Đơn vị cha đã sáp nhập vào đơn vị khác; hãy chọn đơn vị kế thừa.",
			"The parent has merged into another unit; choose its successor.")}
	}
	return nil
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
		if !unitmap.ValidLevel(lv) {
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
