package web

import "github.com/gin-gonic/gin"

// routes lists every page: signed-in pages go through s.page (session,
// CSRF, language), the survey respondents' and citizens' through s.public.
func (s *Server) routes(r *gin.Engine) {
	r.GET("/", s.page(s.home))
	r.GET("/login", s.loginPage)
	r.POST("/login", s.publicBody, s.login)
	r.GET("/login/callback", s.oidcCallback)
	r.POST("/logout", s.publicBody, s.logout)

	// Plans: the list, the create form, the import, one plan.
	r.GET("/plans", s.page(s.plnList))
	r.GET("/plans/new", s.page(s.plnNewPage))
	r.POST("/plans", s.page(s.plnCreate))
	r.GET("/plans/import", s.page(s.impPage))
	r.POST("/plans/import", s.impSizeGuard, s.page(s.impPost))
	r.GET("/plans/import/template.xlsx", s.page(s.impTemplateXLSX))
	r.GET("/plans/import/template.csv", s.page(s.impTemplateCSV))
	r.GET("/plans/:id", s.page(s.plnShow))
	r.POST("/plans/:id/dialogues", s.page(s.plnAddDialogue))

	// Dialogues: the page, its commands and the session form.
	r.GET("/dialogues/:id", s.page(s.dlgShow))
	r.POST("/dialogues/:id/reschedule", s.page(s.dlgReschedule))
	r.POST("/dialogues/:id/cancel", s.page(s.dlgCancel))
	r.POST("/dialogues/:id/session", s.page(s.dlgSession))
	r.POST("/dialogues/:id/publish", s.page(s.dlgPublish))

	// Follow-up tasks and what waits for review.
	r.GET("/tasks", s.page(s.taskList))
	r.GET("/tasks/:id", s.page(s.taskDetail))
	r.POST("/tasks/:id/result", s.page(s.taskSubmitResult))
	r.POST("/tasks/:id/extension", s.page(s.taskAskExtension))
	r.POST("/tasks/:id/extension/decision", s.page(s.taskDecideExtension))
	r.POST("/tasks/:id/review", s.page(s.taskReview))
	r.POST("/tasks/:id/remarks", s.page(s.taskRemark))
	r.GET("/reviews", s.page(s.reviewQueue))

	r.GET("/alerts", s.page(s.alertBoard))
	r.POST("/alerts/:id/ack", s.page(s.alertAck))

	r.GET("/reports", s.page(s.reportIndex))
	r.GET("/reports/rollup", s.page(s.reportRollup))
	r.GET("/reports/dialogue/:id", s.page(s.reportOfDialogue))
	r.GET("/reports/plan/:id", s.page(s.reportOfPlan))
	r.GET("/reports/:id", s.page(s.reportByID))
	r.POST("/reports/:id/assessment", s.page(s.reportAssess))
	r.POST("/reports/:id/finalise", s.page(s.reportFinalise))

	r.GET("/units", s.page(s.unitList))
	r.POST("/units", s.page(s.unitCreate))

	// The public survey link (no sign-in).
	r.GET("/s/:token", s.public(s.surveyForm))
	r.POST("/s/:token", s.public(s.surveySubmit))
	r.GET("/s/:token/done", s.public(s.surveyDone))

	// The citizens' pages (no sign-in): the receipt lookup with the
	// holder's rating, and a published dialogue's public page.
	r.GET("/tra-cuu", s.public(s.rcptForm))
	r.GET("/tra-cuu/:code", s.public(s.rcptShow))
	r.POST("/tra-cuu/:code", s.public(s.rcptRate))
	r.GET("/cong-khai/:code", s.public(s.pubDialogue))
}
