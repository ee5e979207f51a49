package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/web"
)

// TestBrowserProvincePlan: a province's planner creates, through the plan
// form, a plan scheduling two of its communes' dialogues and one of the
// province's own (each row's unit chosen in the form; the default is the
// plan's unit); the plan's page shows the coverage line for the communes
// ("0/3 xã, phường, đặc khu"), and the commune's own planner sees the
// plan with their dialogue only.
func TestBrowserProvincePlan(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Quiet: true})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)

	admin := env.NewClient(t)
	province := admin.CreateUnit("Tỉnh Hưng Yên", "province", "")
	admin = admin.As(testenv.Staff(province))
	communeA := admin.CreateUnit("Xã Thư Vũ", "commune", province)
	communeB := admin.CreateUnit("Xã Vũ Thư", "commune", province)
	admin.CreateUnit("Phường Thái Bình", "commune", province)

	planner := auth.Principal{Subject: "mai.planner", Name: "Lê Thị Mai", Roles: []string{auth.RolePlanner}, UnitID: province}
	communePlanner := auth.Principal{Subject: "hanh.planner", Name: "Nguyễn Thị Hạnh", Roles: []string{auth.RolePlanner}, UnitID: communeA}
	env.DevLogin.SetUsers([]web.DevUser{
		{Principal: planner, What: "Ban Dân vận Tỉnh ủy Hưng Yên"},
		{Principal: communePlanner, What: "Văn phòng Đảng ủy xã Thư Vũ"},
	})
	b := startBrowser(t, ctx, env.BaseURL)

	pl := b.tab("province planner", false)
	pl.signIn(planner.Subject)
	pl.openOK("/plans/new")
	pl.bothLanguages("/plans/new")
	if v := eval[string](pl, `document.getElementById("f-d0.unit_id").value`); v != "" {
		t.Errorf("a dialogue row's unit is %q by default, want the plan's unit (empty)", v)
	}
	if n := eval[int](pl, `document.querySelectorAll('[id="f-d0.unit_id"] option').length`); n != 5 {
		t.Errorf("a dialogue row offers %d units, want the plan's unit and the 4 units the planner reaches", n)
	}
	at := time.Now().In(domain.Location).AddDate(0, 0, 20).Truncate(time.Hour)
	if at.Year() != time.Now().In(domain.Location).Year() {
		at = time.Now().In(domain.Location).Add(3 * time.Hour).Truncate(time.Minute)
	}
	local := func(d time.Duration) string { return at.Add(d).Format("2006-01-02T15:04") }
	pl.do(
		chromedp.SetValue(byID("f-unit_id"), province),
		chromedp.SetValue(byID("f-year"), fmt.Sprint(at.Year())),
		chromedp.SetValue(byID("f-reference_no"), "12-KH/TU"),
		chromedp.SetValue(byID("f-issuing_body"), "Ban Thường vụ Tỉnh ủy Hưng Yên"),
		chromedp.SetValue(byID("f-d0.at"), local(0)),
		chromedp.SetValue(byID("f-d0.unit_id"), communeA),
		chromedp.SetValue(byID("f-d0.place"), "Hội trường UBND xã Thư Vũ"),
		chromedp.SetValue(byID("f-d0.host"), "Phạm Thị Lan"),
		chromedp.SetValue(byID("f-d1.at"), local(time.Hour)),
		chromedp.SetValue(byID("f-d1.unit_id"), communeB),
		chromedp.SetValue(byID("f-d1.host"), "Trần Văn Hải"),
		chromedp.SetValue(byID("f-d2.at"), local(2*time.Hour)),
		chromedp.SetValue(byID("f-d2.host"), "Trần Quốc Văn"),
	)
	if st := pl.submit(`form[action="/plans"] .actions button:not([name])`); st != 200 {
		t.Fatalf("create the plan: landed on %s with %d: %.1500s", pl.path(), st, pl.text("main"))
	}
	planID := strings.TrimPrefix(strings.SplitN(pl.path(), "?", 2)[0], "/plans/")
	if !isUUID(planID) {
		t.Fatalf("after creating the plan the planner is on %s: %.1500s", pl.path(), pl.text("main"))
	}
	pl.noKeyLeaks("the province plan")
	cov := eval[string](pl, `Array.from(document.querySelectorAll("#coverage ~ section.card")).map(s => s.innerText).join("\n")`)
	if !strings.Contains(cov, "0/3 xã, phường, đặc khu") || !strings.Contains(cov, "Xã Thư Vũ") || !strings.Contains(cov, "Xã Vũ Thư") {
		t.Errorf("the plan page's coverage: %q, want 0/3 xã, phường, đặc khu with both communes", cov)
	}
	pl.shot("plan-province-communes")
	pl.bothLanguages("/plans/" + planID)

	// The dialogues are in the units chosen, the third in the province.
	var units []string
	if err := env.Store.DB.NewSelect().Table("dialogues").Column("unit_id").Where("plan_id = ?", planID).OrderExpr("seq").Scan(ctx, &units); err != nil {
		t.Fatal(err)
	}
	if len(units) != 3 || units[0] != communeA || units[1] != communeB || units[2] != province {
		t.Errorf("the plan's dialogues are in units %v, want %s, %s, %s", units, communeA, communeB, province)
	}

	// The commune's planner reads the plan with their dialogue only.
	cp := b.tab("commune planner", false)
	cp.signIn(communePlanner.Subject)
	cp.openOK("/plans/" + planID)
	if n := eval[int](cp, `document.querySelectorAll('main a[href^="/dialogues/"]').length`); n < 1 || strings.Contains(cp.text("main"), "Trần Văn Hải") {
		t.Errorf("the commune's planner sees %d dialogue links, or another commune's dialogue: %.1500s", n, cp.text("main"))
	}
}
