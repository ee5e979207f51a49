package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/auth"
)

// The review queue of MTTQ, planners and hosts: results waiting to be
// accepted or returned, and extension requests waiting for a decision.

func init() {
	registrations = append(registrations, func(s *Server, r *gin.Engine) {
		r.GET("/reviews", s.page(s.reviewQueue))
	})
	addMessages(map[string][2]string{
		"review.title":        {"Chờ xử lý", "To review"},
		"review.intro":        {"Kết quả nhiệm vụ chờ nghiệm thu và đề nghị gia hạn chờ quyết định, trong phạm vi của bạn.", "Task results waiting for review and extension requests waiting for a decision, within your scope."},
		"review.results":      {"Kết quả chờ nghiệm thu (%d)", "Results awaiting review (%d)"},
		"review.results_none": {"Không có kết quả nào chờ nghiệm thu.", "No result is waiting for review."},
		"review.extensions":   {"Đề nghị gia hạn chờ quyết định (%d)", "Extension requests awaiting a decision (%d)"},
		"review.ext_none":     {"Không có đề nghị gia hạn nào chờ quyết định.", "No extension request is waiting for a decision."},
		"review.submitted":    {"Báo cáo lúc %s bởi %s", "Submitted at %s by %s"},
		"review.due":          {"Hạn: %s", "Deadline: %s"},
		"review.proposed":     {"Đề nghị gia hạn đến %s", "Asks for a new deadline of %s"},
		"review.reason":       {"Lý do: %s", "Reason: %s"},
		"review.read_only":    {"Bạn xem được danh sách nhưng việc nghiệm thu do MTTQ hoặc cán bộ lập kế hoạch thực hiện.", "You can see this list; MTTQ or the planner reviews the results."},
		"review.more":         {"Còn %d nhiệm vụ khác, xem trong danh sách nhiệm vụ.", "%d more; see the task list."},
	})
}

// reviewsData is the review queue.
type reviewsData struct {
	Results     []taskJSON
	ResultsMore int
	Extensions  []taskJSON
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
	var submitted taskPageJSON
	if e := s.get(c, v, "/api/v1/tasks", url.Values{"status": {"submitted"}, "limit": {"200"}}, &submitted); e != nil {
		s.failed(c, v, e)
		return
	}
	d := reviewsData{
		Results:   submitted.Items,
		CanReview: v.Has(auth.RoleMTTQ) || v.Has(auth.RolePlanner),
		CanDecide: v.Has(auth.RolePlanner) || v.Has(auth.RoleHost),
		ErrorFor:  errorFor,
	}
	d.ResultsMore = submitted.Total - len(submitted.Items)
	if d.CanDecide {
		// The API has no filter for a pending extension: read the open tasks
		// and keep those with one.
		var open taskPageJSON
		if e := s.get(c, v, "/api/v1/tasks", url.Values{"status": {"open"}, "limit": {"500"}}, &open); e != nil {
			s.failed(c, v, e)
			return
		}
		for _, t := range open.Items {
			if t.ExtensionPending() {
				d.Extensions = append(d.Extensions, t)
			}
		}
	}
	v.Title = "review.title"
	v.Data = d
	s.render(c, status, "reviews", v)
}
