package web

import (
	"fmt"
	"sync"
)

// messages are the page texts: key → {Vietnamese, English}. Each area's
// file adds its own with addMessages in init.
var (
	messagesMu sync.RWMutex
	messages   = map[string][2]string{}
)

func addMessages(m map[string][2]string) {
	messagesMu.Lock()
	defer messagesMu.Unlock()
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("web: message " + k + " defined twice")
		}
		messages[k] = v
	}
}

// translate returns key's text in lang (Vietnamese unless "en"), with args
// formatted in; an unknown key shows as "!key" (a test keeps every key a
// template uses defined).
func translate(lang, key string, args ...any) string {
	messagesMu.RLock()
	m, ok := messages[key]
	messagesMu.RUnlock()
	if !ok {
		return "!" + key
	}
	s := m[0]
	if lang == "en" && m[1] != "" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

func init() {
	addMessages(map[string][2]string{
		"app.name":             {"Tiếp xúc, đối thoại trực tiếp", "Direct dialogues"},
		"app.skip":             {"Bỏ qua, tới nội dung chính", "Skip to main content"},
		"nav.plans":            {"Kế hoạch", "Plans"},
		"nav.tasks":            {"Nhiệm vụ", "Tasks"},
		"nav.mytasks":          {"Nhiệm vụ của tôi", "My tasks"},
		"nav.alerts":           {"Cảnh báo", "Alerts"},
		"nav.reviews":          {"Chờ xử lý", "To review"},
		"nav.reports":          {"Báo cáo", "Reports"},
		"nav.units":            {"Đơn vị", "Units"},
		"nav.logout":           {"Đăng xuất", "Sign out"},
		"nav.lang":             {"English", "Tiếng Việt"},
		"nav.signed_in":        {"Đăng nhập: %s", "Signed in: %s"},
		"login.title":          {"Đăng nhập", "Sign in"},
		"login.dev":            {"Môi trường phát triển: chọn một người dùng mẫu.", "Development: choose a demo user."},
		"login.choose":         {"Hãy chọn một người dùng.", "Choose a user."},
		"login.submit":         {"Đăng nhập", "Sign in"},
		"login.oidc":           {"Đăng nhập bằng tài khoản của đơn vị", "Sign in with your organisation's account"},
		"login.none":           {"Chưa có người dùng mẫu. Chạy go run ./cmd/dev --demo để có.", "No demo users yet. Run go run ./cmd/dev --demo to get some."},
		"err.title":            {"Có lỗi", "Something went wrong"},
		"err.not_found":        {"Không tìm thấy trang này, hoặc trang không thuộc phạm vi của bạn.", "This page does not exist or is outside your scope."},
		"err.forbidden":        {"Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."},
		"err.csrf":             {"Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.", "The form expired or is not valid. Reload the page and try again."},
		"err.internal":         {"Lỗi hệ thống, đã được ghi lại. Vui lòng thử lại sau.", "Internal error; it has been logged. Please try again later."},
		"err.api":              {"Không thực hiện được yêu cầu.", "The request could not be done."},
		"err.login_state":      {"Phiên đăng nhập không hợp lệ, hãy đăng nhập lại.", "The sign-in attempt is not valid; sign in again."},
		"err.login_failed":     {"Không đăng nhập được. Vui lòng thử lại.", "Sign-in failed. Please try again."},
		"err.form":             {"Có lỗi trong biểu mẫu, xem các ô được đánh dấu.", "The form has errors; see the marked fields."},
		"err.back":             {"Về trang chủ", "Back to the start"},
		"form.required":        {"(bắt buộc)", "(required)"},
		"form.save":            {"Lưu", "Save"},
		"form.cancel":          {"Hủy", "Cancel"},
		"ok.saved":             {"Đã lưu.", "Saved."},
		"role.planner":         {"Cán bộ lập kế hoạch", "Planner"},
		"role.host":            {"Người chủ trì", "Host"},
		"role.officer":         {"Cán bộ thực hiện", "Officer"},
		"role.monitor":         {"Ủy viên phụ trách địa bàn", "Monitor"},
		"role.mttq":            {"Ủy ban MTTQ", "MTTQ"},
		"role.party_committee": {"Cấp ủy", "Party committee"},
		"role.admin":           {"Quản trị", "Administrator"},
	})
}
