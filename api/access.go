package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/report"
	"github.com/doithoai/doithoai/internal/store"
)

// action is something a caller asks to do; every authenticated route maps
// to exactly one (routeActions), and a route without one is refused.
type action string

// Actions, one per kind of request.
const (
	actUnitCreate        action = "unit.create"
	actUnitRead          action = "unit.read"
	actUnitMerge         action = "unit.merge"
	actChannelsRead      action = "unit.channels.read"
	actChannelsWrite     action = "unit.channels.write"
	actPlanCreate        action = "plan.create"
	actPlanRead          action = "plan.read"
	actDialogueAdd       action = "dialogue.add"
	actDialogueRead      action = "dialogue.read"
	actDialogueChange    action = "dialogue.reschedule_cancel"
	actSessionRecord     action = "dialogue.session.record"
	actSurveyRead        action = "survey.read"
	actSurveyEnter       action = "survey.enter"
	actTasksAdd          action = "task.create"
	actTaskRead          action = "task.read"
	actTaskResult        action = "task.result.submit"
	actTaskExtensionAsk  action = "task.extension.request"
	actTaskReview        action = "task.result.review"
	actTaskExtensionDeny action = "task.extension.decide"
	actTaskReassign      action = "task.reassign_cancel"
	actAlertRead         action = "alert.read"
	actAlertAck          action = "alert.acknowledge"
	actReportRead        action = "report.read"
	actReportAssess      action = "report.assess_finalise"
	actAuditRead         action = "audit.read"
	actDialoguePublish   action = "dialogue.publish"
	actTaskRemark        action = "task.remark"
	actDeliveriesRead    action = "delivery.read"
)

// permissions says which roles may do what. Reach is by role (see scope):
// an officer acts on the tasks assigned to their unit or to them by name;
// every other role acts within its unit's subtree. Anything not listed is
// denied.
var permissions = map[action][]string{
	actUnitCreate:        {auth.RoleAdmin},
	actUnitRead:          auth.KnownRoles,
	actUnitMerge:         {auth.RoleAdmin},
	actChannelsRead:      {auth.RoleAdmin},
	actChannelsWrite:     {auth.RoleAdmin},
	actPlanCreate:        {auth.RolePlanner},
	actPlanRead:          {auth.RolePlanner, auth.RoleHost, auth.RoleMonitor, auth.RoleMTTQ, auth.RoleBoard},
	actDialogueAdd:       {auth.RolePlanner},
	actDialogueRead:      {auth.RolePlanner, auth.RoleHost, auth.RoleMonitor, auth.RoleMTTQ, auth.RoleBoard},
	actDialoguePublish:   {auth.RolePlanner},
	actDialogueChange:    {auth.RolePlanner},
	actSessionRecord:     {auth.RolePlanner},
	actSurveyRead:        {auth.RolePlanner, auth.RoleHost, auth.RoleMTTQ},
	actSurveyEnter:       {auth.RolePlanner},
	actTasksAdd:          {auth.RolePlanner},
	actTaskRead:          {auth.RolePlanner, auth.RoleHost, auth.RoleMonitor, auth.RoleMTTQ, auth.RoleOfficer, auth.RoleBoard},
	actTaskRemark:        {auth.RoleBoard},
	actTaskResult:        {auth.RoleOfficer},
	actTaskExtensionAsk:  {auth.RoleOfficer},
	actTaskReview:        {auth.RoleMTTQ, auth.RolePlanner},
	actTaskExtensionDeny: {auth.RolePlanner, auth.RoleHost},
	actTaskReassign:      {auth.RolePlanner},
	actAlertRead:         {auth.RoleMTTQ, auth.RolePlanner, auth.RoleMonitor, auth.RoleOfficer, auth.RolePartyCommittee},
	actAlertAck:          {auth.RoleMTTQ, auth.RolePlanner, auth.RoleMonitor, auth.RoleOfficer, auth.RolePartyCommittee},
	actReportRead:        {auth.RolePlanner, auth.RoleHost, auth.RoleMonitor, auth.RoleMTTQ, auth.RoleBoard},
	actReportAssess:      {auth.RoleMTTQ},
	actAuditRead:         {auth.RoleMTTQ, auth.RoleAdmin},
	actDeliveriesRead:    {auth.RoleAdmin},
}

// routeActions maps every authenticated route ("METHOD /path" as
// registered) to its action.
var routeActions = map[string]action{
	"POST /api/v1/units":                          actUnitCreate,
	"GET /api/v1/units":                           actUnitRead,
	"POST /api/v1/units/mergers":                  actUnitMerge,
	"GET /api/v1/units/:id":                       actUnitRead,
	"GET /api/v1/units/:id/channels":              actChannelsRead,
	"PUT /api/v1/units/:id/channels":              actChannelsWrite,
	"POST /api/v1/plans":                          actPlanCreate,
	"GET /api/v1/plans":                           actPlanRead,
	"GET /api/v1/plans/:id":                       actPlanRead,
	"GET /api/v1/plans/:id/events":                actPlanRead,
	"POST /api/v1/plans/:id/dialogues":            actDialogueAdd,
	"GET /api/v1/dialogues":                       actDialogueRead,
	"GET /api/v1/dialogues/:id":                   actDialogueRead,
	"POST /api/v1/dialogues/:id/reschedule":       actDialogueChange,
	"POST /api/v1/dialogues/:id/cancel":           actDialogueChange,
	"POST /api/v1/dialogues/:id/session":          actSessionRecord,
	"POST /api/v1/dialogues/:id/survey/responses": actSurveyEnter,
	"GET /api/v1/dialogues/:id/survey/responses":  actSurveyRead,
	"GET /api/v1/dialogues/:id/survey/summary":    actSurveyRead,
	"GET /api/v1/dialogues/:id/events":            actDialogueRead,
	"POST /api/v1/dialogues/:id/tasks":            actTasksAdd,
	"POST /api/v1/dialogues/:id/publish":          actDialoguePublish,
	"GET /api/v1/tasks":                           actTaskRead,
	"GET /api/v1/tasks/:id":                       actTaskRead,
	"GET /api/v1/tasks/:id/events":                actTaskRead,
	"POST /api/v1/tasks/:id/result":               actTaskResult,
	"POST /api/v1/tasks/:id/review":               actTaskReview,
	"POST /api/v1/tasks/:id/extension":            actTaskExtensionAsk,
	"POST /api/v1/tasks/:id/extension/decision":   actTaskExtensionDeny,
	"POST /api/v1/tasks/:id/reassign":             actTaskReassign,
	"POST /api/v1/tasks/:id/cancel":               actTaskReassign,
	"POST /api/v1/tasks/:id/remarks":              actTaskRemark,
	"GET /api/v1/tasks/:id/remarks":               actTaskRead,
	"GET /api/v1/dialogues/:id/report":            actReportRead,
	"GET /api/v1/plans/:id/report":                actReportRead,
	"GET /api/v1/reports":                         actReportRead,
	"GET /api/v1/reports/:id":                     actReportRead,
	"PUT /api/v1/reports/:id/assessment":          actReportAssess,
	"POST /api/v1/reports/:id/finalise":           actReportAssess,
	"GET /api/v1/audit":                           actAuditRead,
	"GET /api/v1/deliveries":                      actDeliveriesRead,
	"GET /api/v1/alerts":                          actAlertRead,
	"GET /api/v1/alerts/stream":                   actAlertRead,
	"POST /api/v1/alerts/:id/ack":                 actAlertAck,
}

// guard refuses, before the handler runs, a route without an action and a
// caller holding none of the action's roles (403), then a malformed path id
// (404) or query value (422), before any middleware or handler reads them;
// the handler then checks the resource itself (authorize) or narrows its
// read (scope).
func (s *Server) guard() gin.HandlerFunc {
	return func(c *gin.Context) {
		act, ok := routeActions[c.Request.Method+" "+c.FullPath()]
		if !ok {
			abort(c, errForbidden)
			return
		}
		cl := callerOf(c)
		if len(rolesFor(cl, act)) == 0 {
			abort(c, errForbidden)
			return
		}
		c.Set("action", act)
		if !checkPathParams(c) || !checkQueryText(c) {
			return
		}
		c.Next()
	}
}

// rolesFor lists the caller's roles that grant act.
func rolesFor(cl *caller, act action) []string {
	var out []string
	for _, r := range permissions[act] {
		if cl.HasRole(r) {
			out = append(out, r)
		}
	}
	return out
}

// resource is what an action is aimed at: its unit and, for tasks, the
// assignee, for alerts, the recipient role.
type resource struct {
	kind     scopeKind
	unitID   string
	unitPath string
	// Tasks: the assignee's unit and officer.
	assigneeUnitID, assigneeUnitPath, officer string
	// Alerts: the recipient role.
	role string
}

// reaches says whether role r of the caller reaches res.
func (cl *caller) reaches(r string, res resource) bool {
	if cl.UnitID == "" {
		return r == auth.RoleAdmin && res.kind == kindUnits
	}
	return cl.reachesFrom(r, res, cl.UnitID, cl.UnitPath, true)
}

// historyActions are the actions that read records (plans, dialogues,
// survey answers, tasks, alerts, reports): a caller may do them on the
// records of the units merged into their reach too (readsPast), so the
// users of a successor keep reading its predecessors' history. Every other
// action stays within the caller's reach of today.
var historyActions = map[action]bool{
	actPlanRead: true, actDialogueRead: true, actSurveyRead: true,
	actTaskRead: true, actAlertRead: true, actReportRead: true,
}

// readsPast says whether role r of the caller reaches res as history: from
// a unit merged into the caller's reach (see store.PastUnitsOf). Only
// historyActions consult it.
func (cl *caller) readsPast(r string, res resource) bool {
	if res.kind == kindUnits || res.kind == kindAudit {
		return false
	}
	for _, p := range cl.Past {
		if cl.reachesFrom(r, res, p.ID, p.Path, p.Own) {
			return true
		}
	}
	return false
}

// reachesFor says whether role r of the caller may do act on res: within
// their reach, or, for a reading action, as history.
func (cl *caller) reachesFor(act action, r string, res resource) bool {
	return cl.reaches(r, res) || (historyActions[act] && cl.readsPast(r, res))
}

// reachesFrom says whether role r reaches res from the unit unitID of path
// unitPath: within its subtree, or, where own is true, at the unit itself
// (an officer's).
func (cl *caller) reachesFrom(r string, res resource, unitID, unitPath string, own bool) bool {
	within := func(path string) bool { return path != "" && strings.HasPrefix(path, unitPath) }
	at := func(id string) bool { return own && id == unitID }
	switch res.kind {
	case kindTasks:
		if r == auth.RoleOfficer {
			return at(res.assigneeUnitID) || (res.officer != "" && res.officer == cl.Subject)
		}
		return within(res.unitPath) || within(res.assigneeUnitPath)
	case kindAlerts:
		switch r {
		case auth.RoleMTTQ:
			return within(res.unitPath)
		case auth.RoleOfficer:
			return at(res.unitID) && res.role == r
		default:
			return within(res.unitPath) && res.role == r
		}
	}
	if r == auth.RoleOfficer {
		return at(res.unitID)
	}
	return within(res.unitPath)
}

// authorize checks the route's action against res: allowed, it records the
// role that allowed it (for the actor) and returns true; otherwise it
// answers 404 when the caller may not even read res (so nothing of another
// unit is revealed) and 403 when they may read it but not do this.
func (s *Server) authorize(c *gin.Context, res resource, whatVI, whatEN string) bool {
	act, _ := c.Get("action")
	cl := callerOf(c)
	for _, r := range rolesFor(cl, act.(action)) {
		if cl.reachesFor(act.(action), r, res) {
			c.Set(ctxActingRole, r)
			return true
		}
	}
	read := readActionOf[res.kind]
	for _, r := range rolesFor(cl, read) {
		if cl.reachesFor(read, r, res) {
			abort(c, errForbidden)
			return false
		}
	}
	abort(c, notFoundError(whatVI, whatEN))
	return false
}

// allowRole records the acting role for an action that is not aimed at one
// resource (lists, creating a root unit).
func allowRole(c *gin.Context) {
	act, _ := c.Get("action")
	if rs := rolesFor(callerOf(c), act.(action)); len(rs) > 0 {
		c.Set(ctxActingRole, rs[0])
	}
}

// scopeKind names the kinds of rows a scope is built for.
type scopeKind int

const (
	kindUnits scopeKind = iota
	kindPlans           // plans, dialogues, survey answers, reports
	kindTasks
	kindAlerts
	kindNotices
	kindAudit
)

// readActionOf is the action that reads each kind, for telling 403 from
// 404.
var readActionOf = map[scopeKind]action{
	kindUnits: actUnitRead, kindPlans: actDialogueRead, kindTasks: actTaskRead,
	kindAlerts: actAlertRead, kindNotices: actDialogueRead, kindAudit: actAuditRead,
}

// scopeRoles are the roles that read each kind through a list.
var scopeRoles = map[scopeKind][]string{
	kindUnits:   auth.KnownRoles,
	kindPlans:   permissions[actPlanRead],
	kindTasks:   permissions[actTaskRead],
	kindAlerts:  permissions[actAlertRead],
	kindNotices: {auth.RolePlanner, auth.RoleHost, auth.RoleMonitor, auth.RoleMTTQ, auth.RoleOfficer},
	kindAudit:   permissions[actAuditRead],
}

// scope builds the store scope of the rows of kind the caller may read:
// deny by default, one grant per role held.
func (cl *caller) scope(kind scopeKind) *store.Scope {
	sc := &store.Scope{}
	if cl.globalAdmin() && (kind == kindUnits || kind == kindAudit) {
		sc.All = true
		return sc
	}
	if cl.UnitID == "" {
		return sc
	}
	subtree := store.Grant{UnitID: cl.UnitID, Path: cl.UnitPath, Subtree: true}
	own := store.Grant{UnitID: cl.UnitID, Path: cl.UnitPath}
	for _, r := range scopeRoles[kind] {
		if !cl.HasRole(r) {
			continue
		}
		switch {
		case (kind == kindTasks || kind == kindNotices) && r == auth.RoleOfficer:
			// Tasks assigned to their unit or to them, and the notices
			// about those tasks.
			sc.Officer, sc.OfficerUnit = cl.Subject, cl.UnitID
		case kind == kindAlerts && r == auth.RoleMTTQ:
			sc.Grants = append(sc.Grants, subtree)
		case kind == kindAlerts && r == auth.RoleOfficer:
			g := own
			g.Roles = []string{r}
			sc.Grants = append(sc.Grants, g)
		case kind == kindAlerts:
			g := subtree
			g.Roles = []string{r}
			sc.Grants = append(sc.Grants, g)
		case r == auth.RoleOfficer:
			sc.Grants = append(sc.Grants, own)
		default:
			sc.Grants = append(sc.Grants, subtree)
		}
	}
	if kind != kindUnits && kind != kindAudit {
		cl.addPast(sc)
	}
	return sc
}

// addPast widens sc to the history of the units merged into the caller's
// reach: each subtree grant to the subtree of every such unit, each grant
// of the caller's own unit (and the officer's assignments) to the units
// merged into it. Scopes are built for the reading routes only (lists and
// reads), never to authorise a command.
func (cl *caller) addPast(sc *store.Scope) {
	if len(cl.Past) == 0 {
		return
	}
	grants := sc.Grants
	for _, g := range grants {
		for _, p := range cl.Past {
			if g.Subtree || p.Own {
				sc.Grants = append(sc.Grants, store.Grant{UnitID: p.ID, Path: p.Path, Subtree: g.Subtree, Roles: g.Roles})
			}
		}
	}
	if sc.OfficerUnit != "" {
		for _, p := range cl.Past {
			if p.Own {
				sc.OfficerPast = append(sc.OfficerPast, p.ID)
			}
		}
	}
}

// checkUnitParam answers 403 when a unit_id filter names a unit outside
// the caller's unit subtree (or no unit at all: the answer is the same, so
// it tells nothing about other units). It reports whether to go on.
func (s *Server) checkUnitParam(c *gin.Context, unitID string) bool {
	if unitID == "" {
		return true
	}
	cl := callerOf(c)
	if cl.globalAdmin() {
		return true
	}
	path, err := s.unitPath(c.Request.Context(), unitID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		abort(c, err)
		return false
	}
	if err != nil || cl.UnitID == "" || !cl.filtersOn(c, path) {
		abort(c, newError(http.StatusForbidden, CodeForbidden,
			"Đơn vị này nằm ngoài phạm vi của bạn.", "This unit is outside your scope."))
		return false
	}
	return true
}

// filtersOn says whether the caller may filter the route's list by a unit
// of path: one in their subtree or, for a reading action, one merged into
// it (its history).
func (cl *caller) filtersOn(c *gin.Context, path string) bool {
	if strings.HasPrefix(path, cl.UnitPath) {
		return true
	}
	if act, _ := c.Get("action"); !historyActions[actionOf(act)] {
		return false
	}
	for _, p := range cl.Past {
		if strings.HasPrefix(path, p.Path) {
			return true
		}
	}
	return false
}

// actionOf is the route's action as set by guard ("" when none).
func actionOf(v any) action {
	a, _ := v.(action)
	return a
}

// authorizeUnitOf authorises the route's action on a row of kind that
// belongs to unitID.
func (s *Server) authorizeUnitOf(c *gin.Context, kind scopeKind, unitID, whatVI, whatEN string) bool {
	path, err := s.unitPath(c.Request.Context(), unitID)
	if err != nil {
		abort(c, err)
		return false
	}
	return s.authorize(c, resource{kind: kind, unitID: unitID, unitPath: path}, whatVI, whatEN)
}

// loadPlan reads the plan named by :id and authorises the route on it.
func (s *Server) loadPlan(c *gin.Context) (*store.Plan, bool) {
	p, ok := loadByID(c, "kế hoạch", "Plan", s.Store.GetPlan)
	if !ok || !s.authorizeUnitOf(c, kindPlans, p.UnitID, "kế hoạch", "Plan") {
		return nil, false
	}
	return p, true
}

// loadPlanToRead reads the plan named by :id for GET /plans/{id}: a caller
// who reaches the plan's unit reads all of it (whole); one who does not but
// reaches a dialogue it schedules (a commune's dialogue in its province's
// plan) reads the plan with those dialogues only.
func (s *Server) loadPlanToRead(c *gin.Context) (p *store.Plan, whole bool, ok bool) {
	p, ok = loadByID(c, "kế hoạch", "Plan", s.Store.GetPlan)
	if !ok {
		return nil, false, false
	}
	path, err := s.unitPath(c.Request.Context(), p.UnitID)
	if err != nil {
		abort(c, err)
		return nil, false, false
	}
	cl := callerOf(c)
	res := resource{kind: kindPlans, unitID: p.UnitID, unitPath: path}
	for _, r := range rolesFor(cl, actPlanRead) {
		if cl.reachesFor(actPlanRead, r, res) {
			c.Set(ctxActingRole, r)
			return p, true, true
		}
	}
	_, n, err := s.Store.FindDialogues(c.Request.Context(), store.DialogueFilter{PlanID: p.ID, Scope: cl.scope(kindPlans), Limit: 1})
	if err != nil {
		abort(c, err)
		return nil, false, false
	}
	if n == 0 {
		abort(c, notFoundError("kế hoạch", "Plan"))
		return nil, false, false
	}
	allowRole(c)
	return p, false, true
}

// loadDialogue reads the dialogue named by :id and authorises the route on
// it.
func (s *Server) loadDialogue(c *gin.Context) (*store.Dialogue, bool) {
	d, ok := loadByID(c, "hội nghị", "Dialogue", s.Store.GetDialogue)
	if !ok || !s.authorizeUnitOf(c, kindPlans, d.UnitID, "hội nghị", "Dialogue") {
		return nil, false
	}
	return d, true
}

// loadTask reads the task named by :id and authorises the route on it: by
// the task's unit or its assignee's.
func (s *Server) loadTask(c *gin.Context) (*store.Task, bool) {
	t, ok := loadByID(c, "nhiệm vụ", "Task", s.Store.GetTask)
	if !ok {
		return nil, false
	}
	ctx := c.Request.Context()
	path, err := s.unitPath(ctx, t.UnitID)
	if err != nil {
		abort(c, err)
		return nil, false
	}
	apath, err := s.unitPath(ctx, t.AssigneeUnitID)
	if err != nil {
		abort(c, err)
		return nil, false
	}
	res := resource{kind: kindTasks, unitID: t.UnitID, unitPath: path,
		assigneeUnitID: t.AssigneeUnitID, assigneeUnitPath: apath, officer: t.AssigneeOfficer}
	if !s.authorize(c, res, "nhiệm vụ", "Task") {
		return nil, false
	}
	return t, true
}

// loadReport reads the report named by :id and authorises the route on the
// unit it reports on.
func (s *Server) loadReport(c *gin.Context) (*report.Report, bool) {
	r, ok := loadByID(c, "báo cáo", "Report", s.Store.GetReportByID)
	if !ok || !s.authorizeUnitOf(c, kindPlans, r.Data.Scope.UnitID, "báo cáo", "Report") {
		return nil, false
	}
	return r, true
}

// canOnUnit says whether the route's action is allowed on a new row of kind
// in unitID (a plan being created, a child unit); allowed, it records the
// acting role. An unknown unit is simply not allowed, so the caller answers
// the same for a unit that does not exist and one outside their reach.
func (s *Server) canOnUnit(c *gin.Context, kind scopeKind, unitID string) (bool, error) {
	path, err := s.unitPath(c.Request.Context(), unitID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	act, _ := c.Get("action")
	cl := callerOf(c)
	for _, r := range rolesFor(cl, act.(action)) {
		if cl.reachesFor(act.(action), r, resource{kind: kind, unitID: unitID, unitPath: path}) {
			c.Set(ctxActingRole, r)
			return true, nil
		}
	}
	return false, nil
}

// unknownUnitField is the field error for a unit that does not exist or is
// outside the caller's reach (one message for both).
func unknownUnitField(field string) contract.FieldError {
	return fieldErrorMsg(field, "unknown_unit",
		"Đơn vị không tồn tại hoặc nằm ngoài phạm vi của bạn.", "No such unit within your scope.")
}

// loadUnit reads the unit named by :id and authorises the route on it.
func (s *Server) loadUnit(c *gin.Context) (*store.Unit, bool) {
	u, ok := loadByID(c, "đơn vị", "Unit", s.Store.GetUnit)
	if !ok || !s.authorize(c, resource{kind: kindUnits, unitID: u.ID, unitPath: u.Path}, "đơn vị", "Unit") {
		return nil, false
	}
	return u, true
}
