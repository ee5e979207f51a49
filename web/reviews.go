package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
)

// The review queue of MTTQ, planners and hosts: results waiting to be
// accepted or returned, and extension requests waiting for a decision.

// reviewsData is the review queue.
type reviewsData struct {
	Results     []taskItem
	ResultsMore int
	Extensions  []taskItem
	CanReview   bool
	CanDecide   bool
	// ErrorFor is the task whose review form came back with errors.
	ErrorFor string
}

func (s *Server) reviewQueue(c *gin.Context, v *view) {
	s.renderReviews(c, v, http.StatusOK, "")
}

// renderReviews reads both queues and renders the page; errorFor names the
// task whose form failed (its errors and typed values are in v).
func (s *Server) renderReviews(c *gin.Context, v *view, status int, errorFor string) {
	var submitted contract.TaskPage
	if e := s.get(c, v, "/api/v1/tasks", url.Values{"status": {"submitted"}, "limit": {"200"}}, &submitted); e != nil {
		s.failed(c, v, e)
		return
	}
	d := reviewsData{
		Results:   taskItems(submitted.Items),
		CanReview: v.Has(auth.RoleMTTQ) || v.Has(auth.RolePlanner),
		CanDecide: v.Has(auth.RolePlanner) || v.Has(auth.RoleHost),
		ErrorFor:  errorFor,
	}
	d.ResultsMore = submitted.Total - len(submitted.Items)
	if d.CanDecide {
		// The API has no filter for a pending extension: read the open tasks
		// and keep those with one.
		var open contract.TaskPage
		if e := s.get(c, v, "/api/v1/tasks", url.Values{"status": {"open"}, "limit": {"500"}}, &open); e != nil {
			s.failed(c, v, e)
			return
		}
		for _, t := range taskItems(open.Items) {
			if t.ExtensionPending() {
				d.Extensions = append(d.Extensions, t)
			}
		}
	}
	v.Title = "review.title"
	v.Data = d
	s.render(c, status, "reviews", v)
}
