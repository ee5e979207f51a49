package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// The alert board: the alerts of the user's unit subtree that the API lets
// them see, open ones first, each with an Acknowledge button. New alerts,
// reminders and notices arrive live (static/alerts.js reads the API's
// event stream with the session cookie); the page works without it.

// alertRow is an alert as the board shows it.
type alertRow struct {
	store.Alert
	Text     string // the title in the page language
	Detail   string // the body in the page language
	UnitName string
}

// alertBoardData is the alert board.
type alertBoardData struct {
	Open, Acked  []alertRow
	OpenTotal    int
	SeesDialogue bool
	// StreamURL is the API's live stream (same origin, session cookie).
	StreamURL string
	// Units names the units of the subtree, for rows added live.
	Units []unitItem
	// Kinds and Roles are the labels rows added live need.
	Kinds, Roles []string
}

var (
	alertKinds = []string{domain.AlertTaskOverdue, domain.AlertSessionMissed, domain.AlertNotSatisfied, domain.AlertBoardRemark}
	alertRoles = auth.KnownRoles
)

func (s *Server) alertBoard(c *gin.Context, v *view) {
	s.renderAlertBoard(c, v, http.StatusOK)
}

func (s *Server) renderAlertBoard(c *gin.Context, v *view, status int) {
	var open, acked contract.Page[store.Alert]
	if e := s.get(c, v, "/api/v1/alerts", url.Values{"status": {"open"}, "limit": {"200"}}, &open); e != nil {
		s.failed(c, v, e)
		return
	}
	if e := s.get(c, v, "/api/v1/alerts", url.Values{"status": {"acknowledged"}, "limit": {"50"}}, &acked); e != nil {
		s.failed(c, v, e)
		return
	}
	units := s.unitNames(c, v)
	names := map[string]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	rows := func(as []store.Alert) []alertRow {
		out := make([]alertRow, 0, len(as))
		for _, a := range as {
			r := alertRow{Alert: a, Text: a.TitleVI, Detail: a.BodyVI, UnitName: names[a.UnitID]}
			if v.Lang == "en" {
				if a.TitleEN != "" {
					r.Text = a.TitleEN
				}
				if a.BodyEN != "" {
					r.Detail = a.BodyEN
				}
			}
			out = append(out, r)
		}
		return out
	}
	v.Title = "alert.title"
	v.Data = alertBoardData{
		Open: rows(open.Items), Acked: rows(acked.Items), OpenTotal: open.Total,
		SeesDialogue: v.Has(auth.RolePlanner) || v.Has(auth.RoleHost) || v.Has(auth.RoleMonitor) || v.Has(auth.RoleMTTQ),
		StreamURL:    "/api/v1/alerts/stream",
		Units:        units,
		Kinds:        alertKinds,
		Roles:        alertRoles,
	}
	s.render(c, status, "alerts", v)
}

// unitNames lists the units the user may read (for names); a failure
// leaves names out rather than the page.
func (s *Server) unitNames(c *gin.Context, v *view) []unitItem {
	var page contract.Page[store.Unit]
	if e := s.get(c, v, "/api/v1/units", url.Values{"limit": {"500"}}, &page); e != nil {
		return nil
	}
	return indentUnits(page.Items)
}

func (s *Server) alertAck(c *gin.Context, v *view) {
	id := c.Param("id")
	if e := s.call(c, v, http.MethodPost, "/api/v1/alerts/"+url.PathEscape(id)+"/ack", nil, nil); e != nil {
		if status := keepRefusedForm(c, v, e, nil); status != 0 {
			s.renderAlertBoard(c, v, status)
			return
		}
		s.failed(c, v, e)
		return
	}
	done(c, "/alerts", "alert_ack")
}
