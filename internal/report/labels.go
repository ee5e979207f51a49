package report

import "strconv"

// labels maps a label key to its text in one language.
type labels map[string]string

// labelsFor returns the labels of a normalised language.
func labelsFor(lang string) labels {
	if lang == LangEN {
		return labelsEN
	}
	return labelsVI
}

// of returns the label of prefix+value, or value itself when there is none
// (a status, level or kind the labels do not know is shown as it is).
func (l labels) of(prefix, value string) string {
	if s, ok := l[prefix+value]; ok {
		return s
	}
	return value
}

// status is the label of a report status.
func (l labels) status(s string) string { return l.of("status_", s) }

// kind is the label of a report kind.
func (l labels) kind(k string) string { return l.of("kind_", k) }

// level is the label of an administrative level ("Cấp xã").
func (l labels) level(level string) string { return l.of("level_", level) }

// dialogueKind is the label of a dialogue kind ("Định kỳ").
func (l labels) dialogueKind(k string) string { return l.of("dkind_", k) }

// outcome is the label of a task outcome key.
func (l labels) outcome(key string) string { return l.of("outcome_", key) }

// rung is the label of an escalation level ("Bậc 2").
func (l labels) rung(level int) string { return l["rung"] + " " + strconv.Itoa(level) }

// The two label sets must have the same keys (a test checks it); the
// template is executed with missingkey=error, so a label it asks for and
// neither set has fails the render instead of printing nothing.
var (
	labelsVI = labels{
		"lang": "vi",

		// Values.
		"status_draft":      "Dự thảo",
		"status_final":      "Chính thức",
		"kind_dialogue":     "Báo cáo cuộc tiếp xúc, đối thoại",
		"kind_plan":         "Báo cáo kết quả thực hiện kế hoạch năm",
		"kind_rollup":       "Báo cáo tổng hợp theo địa bàn",
		"level_province":    "Cấp tỉnh",
		"level_district":    "Cấp huyện",
		"level_commune":     "Cấp xã",
		"dkind_periodic":    "Định kỳ",
		"dkind_thematic":    "Chuyên đề",
		"dkind_adhoc":       "Đột xuất",
		"outcome_on_time":   "Hoàn thành đúng hạn",
		"outcome_late":      "Hoàn thành trễ hạn",
		"outcome_overdue":   "Quá hạn",
		"outcome_open":      "Đang thực hiện",
		"outcome_cancelled": "Đã hủy",
		"rung":              "Bậc",

		// Document heading.
		"org":          "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM",
		"doc_number":   "Số:         /BC-MTTQ",
		"nation":       "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"motto":        "Độc lập - Tự do - Hạnh phúc",
		"date_day":     "ngày",
		"date_month":   "tháng",
		"date_year":    "năm",
		"doc_title":    "BÁO CÁO GIÁM SÁT",
		"doc_subtitle": "Kết quả tiếp xúc, đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân và tổ chức thực hiện kết luận",
		"draft_mark":   "DỰ THẢO",
		"period":       "Kỳ báo cáo",
		"map":          "Bản đồ đơn vị",
		"map_today":    "hiện nay (số liệu của đơn vị đã sáp nhập tính cho đơn vị kế thừa)",
		"map_time":     "tại thời điểm của kỳ",
		"data_as_of":   "Số liệu tính đến",
		"at_on":        "ngày",
		"version":      "Phiên bản",
		"status":       "Trạng thái",
		"finalised_at": "hoàn tất lúc",

		// Sections.
		"s_overview":     "Tổng quan",
		"s_dialogues":    "Kết quả tổ chức hội nghị tiếp xúc, đối thoại",
		"s_opinions":     "Ý kiến, kiến nghị của Nhân dân tại hội nghị",
		"s_survey":       "Phiếu xin ý kiến trước hội nghị",
		"s_tasks":        "Tổ chức thực hiện kết luận",
		"s_escalations":  "Cảnh báo quá hạn theo bậc",
		"s_assessment":   "Đánh giá của Ủy ban Mặt trận Tổ quốc",
		"no_assessment":  "(Chưa có đánh giá.)",
		"no_data":        "Không có số liệu.",
		"chart_opinions": "Biểu đồ 2. Ý kiến theo lĩnh vực",
		"chart_tasks":    "Biểu đồ 3. Nhiệm vụ theo kết quả thực hiện",
		"chart_levels":   "Biểu đồ 1. Hội nghị theo kế hoạch và đã tổ chức, theo cấp",

		// Key figures.
		"kpi_held":       "Hội nghị đã tổ chức",
		"kpi_held_sub":   "kế hoạch",
		"kpi_adhoc_sub":  "đột xuất",
		"kpi_opinions":   "Ý kiến, kiến nghị",
		"kpi_answered":   "trả lời tại hội nghị",
		"kpi_tasks":      "Nhiệm vụ sau hội nghị",
		"kpi_on_time":    "đúng hạn",
		"kpi_alerts":     "Cảnh báo quá hạn",
		"kpi_acked":      "đã xác nhận",
		"kpi_attendees":  "Lượt người tham dự",
		"kpi_answers":    "phiếu trả lời trước hội nghị",
		"kpi_overdue":    "quá hạn",
		"kpi_units_held": "đơn vị đã tổ chức",

		// Table headers.
		"h_planned":        "Theo kế hoạch",
		"h_adhoc":          "Đột xuất",
		"h_held":           "Đã tổ chức",
		"h_rescheduled":    "Dời lịch",
		"h_cancelled":      "Đã hủy",
		"h_pending":        "Chưa tổ chức",
		"h_level":          "Cấp",
		"h_unit":           "Đơn vị",
		"h_tasks_done":     "Đã hoàn thành",
		"h_tasks_overdue":  "Quá hạn",
		"not_held_more":    " và %s đơn vị khác",
		"h_units":          "Số đơn vị",
		"h_units_held":     "Đơn vị đã tổ chức",
		"h_ratio":          "Kết quả",
		"h_kind":           "Hình thức",
		"h_group":          "Thành phần",
		"h_people":         "Số người",
		"h_total":          "Tổng cộng",
		"h_field":          "Lĩnh vực",
		"h_opinions":       "Số ý kiến",
		"h_answered":       "Trả lời tại hội nghị",
		"h_followed_up":    "Chuyển xử lý sau hội nghị",
		"h_share":          "Tỷ lệ",
		"h_answered_share": "Tỷ lệ trả lời tại chỗ",
		"h_from_survey":    "Từ phiếu xin ý kiến",
		"h_from_floor":     "Phát biểu tại hội nghị",
		"h_outcome":        "Kết quả thực hiện",
		"h_tasks":          "Số nhiệm vụ",
		"h_indicator":      "Chỉ tiêu",
		"h_value":          "Giá trị",
		"h_returned":       "Kết quả bị trả lại (lượt)",
		"h_avg_delay":      "Số ngày trễ bình quân (ngày làm việc)",
		"h_max_delay":      "Số ngày trễ tối đa (ngày làm việc)",
		"h_rung":           "Bậc cảnh báo",
		"h_alerts":         "Số cảnh báo",
		"h_acked":          "Đã xác nhận",
		"h_unacked":        "Chưa xác nhận",
		"h_avg_ack":        "Thời gian xác nhận bình quân",
		"h_answers":        "Số ý kiến qua phiếu",
		"hours":            "giờ",
		"minutes":          "phút",
		"days":             "ngày",

		// Charts.
		"legend_answered":    "Trả lời tại hội nghị",
		"legend_followed_up": "Chuyển xử lý sau hội nghị",
		"legend_planned":     "Theo kế hoạch",
		"legend_held":        "Đã tổ chức",
		"chart_tasks_total":  "Tổng số nhiệm vụ",

		// Table captions.
		"t_overall":         "Bảng 1. Tình hình tổ chức hội nghị",
		"t_levels":          "Bảng 2. Hội nghị theo cấp",
		"t_not_held":        "Đơn vị chưa tổ chức hội nghị",
		"t_units":           "Bảng 2a. Kết quả theo đơn vị",
		"t_kinds":           "Bảng 3. Hội nghị theo hình thức",
		"t_people":          "Bảng 4. Thành phần tham dự",
		"t_opinions":        "Bảng 5. Ý kiến, kiến nghị tại hội nghị",
		"t_fields":          "Bảng 6. Ý kiến theo lĩnh vực",
		"t_resolution":      "Bảng 6a. Kết quả giải quyết ý kiến theo lĩnh vực",
		"t_satisfaction":    "Bảng 6b. Mức độ hài lòng của người dân, theo lĩnh vực",
		"h_led_to_task":     "Đã giao nhiệm vụ, đang giải quyết",
		"h_result_accepted": "Đã có kết quả được nghiệm thu",
		"h_still_open":      "Chưa có kết luận",
		"h_rated":           "Lượt đánh giá",
		"h_satisfied":       "Hài lòng",
		"h_not_satisfied":   "Chưa hài lòng",
		"h_remarks":         "Kiến nghị của Ban thanh tra nhân dân",
		"t_survey":          "Bảng 7. Ý kiến qua phiếu xin ý kiến, theo lĩnh vực",
		"t_outcomes":        "Bảng 8. Nhiệm vụ theo kết quả thực hiện",
		"t_quality":         "Bảng 9. Tiến độ và chất lượng thực hiện",
		"t_alerts":          "Bảng 10. Cảnh báo quá hạn theo bậc",

		// Closing.
		"recipients":      "Nơi nhận:",
		"recipients_list": "- Thường trực cấp ủy;\n- Ủy ban nhân dân cùng cấp;\n- Ban Dân vận;\n- Lưu VT.",
		"sign_for":        "TM. BAN THƯỜNG TRỰC",
		"sign_title":      "CHỦ TỊCH",
		"sign_note":       "(Ký, ghi rõ họ tên, đóng dấu)",
		"generated":       "Báo cáo được lập tự động từ hệ thống theo dõi tiếp xúc, đối thoại",
		"page":            "Trang",
	}

	labelsEN = labels{
		"lang": "en",

		"status_draft":      "Draft",
		"status_final":      "Final",
		"kind_dialogue":     "Report on one dialogue",
		"kind_plan":         "Report on the annual plan",
		"kind_rollup":       "Roll-up report by area",
		"level_province":    "Province level",
		"level_district":    "District level",
		"level_commune":     "Commune level",
		"dkind_periodic":    "Periodic",
		"dkind_thematic":    "Thematic",
		"dkind_adhoc":       "Ad hoc",
		"outcome_on_time":   "Done on time",
		"outcome_late":      "Done late",
		"outcome_overdue":   "Overdue",
		"outcome_open":      "In progress",
		"outcome_cancelled": "Cancelled",
		"rung":              "Level",

		"org":          "VIETNAM FATHERLAND FRONT COMMITTEE",
		"doc_number":   "No.         /BC-MTTQ",
		"nation":       "SOCIALIST REPUBLIC OF VIET NAM",
		"motto":        "Independence - Freedom - Happiness",
		"date_day":     "day",
		"date_month":   "month",
		"date_year":    "year",
		"doc_title":    "SUPERVISION REPORT",
		"doc_subtitle": "Direct dialogues between the heads of Party committees and local governments and the people, and the follow-up of their conclusions",
		"draft_mark":   "DRAFT",
		"period":       "Reporting period",
		"map":          "Map of units",
		"map_today":    "today's (records of merged units under their successors)",
		"map_time":     "as it was in the period",
		"data_as_of":   "Figures as of",
		"at_on":        "on",
		"version":      "Version",
		"status":       "Status",
		"finalised_at": "finalised at",

		"s_overview":     "Overview",
		"s_dialogues":    "Dialogue conferences held",
		"s_opinions":     "Opinions and petitions raised at the conferences",
		"s_survey":       "Pre-meeting survey",
		"s_tasks":        "Follow-up of the conclusions",
		"s_escalations":  "Overdue alerts by escalation level",
		"s_assessment":   "Assessment of the Fatherland Front Committee",
		"no_assessment":  "(No assessment yet.)",
		"no_data":        "No figures.",
		"chart_opinions": "Chart 2. Opinions by field",
		"chart_tasks":    "Chart 3. Follow-up tasks by outcome",
		"chart_levels":   "Chart 1. Dialogues planned and held, by level",

		"kpi_held":       "Dialogues held",
		"kpi_held_sub":   "planned",
		"kpi_adhoc_sub":  "ad hoc",
		"kpi_opinions":   "Opinions and petitions",
		"kpi_answered":   "answered on the spot",
		"kpi_tasks":      "Follow-up tasks",
		"kpi_on_time":    "on time",
		"kpi_alerts":     "Overdue alerts",
		"kpi_acked":      "acknowledged",
		"kpi_attendees":  "Attendees",
		"kpi_answers":    "pre-meeting survey answers",
		"kpi_overdue":    "overdue",
		"kpi_units_held": "units held theirs",

		"h_planned":        "Planned",
		"h_adhoc":          "Ad hoc",
		"h_held":           "Held",
		"h_rescheduled":    "Rescheduled",
		"h_cancelled":      "Cancelled",
		"h_pending":        "Not yet held",
		"h_level":          "Level",
		"h_unit":           "Unit",
		"h_tasks_done":     "Done",
		"h_tasks_overdue":  "Overdue",
		"not_held_more":    " and %s more",
		"h_units":          "Units",
		"h_units_held":     "Units that held one",
		"h_ratio":          "Result",
		"h_kind":           "Kind",
		"h_group":          "Group",
		"h_people":         "People",
		"h_total":          "Total",
		"h_field":          "Field",
		"h_opinions":       "Opinions",
		"h_answered":       "Answered on the spot",
		"h_followed_up":    "Followed up after the conference",
		"h_share":          "Share",
		"h_answered_share": "Answered on the spot (share)",
		"h_from_survey":    "From the survey",
		"h_from_floor":     "From the floor",
		"h_outcome":        "Outcome",
		"h_tasks":          "Tasks",
		"h_indicator":      "Indicator",
		"h_value":          "Value",
		"h_returned":       "Results sent back",
		"h_avg_delay":      "Average delay (working days)",
		"h_max_delay":      "Longest delay (working days)",
		"h_rung":           "Escalation level",
		"h_alerts":         "Alerts",
		"h_acked":          "Acknowledged",
		"h_unacked":        "Not acknowledged",
		"h_avg_ack":        "Average time to acknowledge",
		"h_answers":        "Survey answers",
		"hours":            "h",
		"minutes":          "min",
		"days":             "days",

		"legend_answered":    "Answered on the spot",
		"legend_followed_up": "Followed up after the conference",
		"legend_planned":     "Planned",
		"legend_held":        "Held",
		"chart_tasks_total":  "Total tasks",

		"t_overall":         "Table 1. Dialogue conferences",
		"t_levels":          "Table 2. Dialogues by level",
		"t_not_held":        "Units that held no dialogue",
		"t_units":           "Table 2a. Results by unit",
		"t_kinds":           "Table 3. Dialogues by kind",
		"t_people":          "Table 4. Attendance",
		"t_opinions":        "Table 5. Opinions and petitions at the conferences",
		"t_fields":          "Table 6. Opinions by field",
		"t_resolution":      "Table 6a. What became of the opinions, by field",
		"t_satisfaction":    "Table 6b. Citizens' satisfaction, by field",
		"h_led_to_task":     "Tasks assigned, under way",
		"h_result_accepted": "Result accepted",
		"h_still_open":      "No conclusion yet",
		"h_rated":           "Ratings",
		"h_satisfied":       "Satisfied",
		"h_not_satisfied":   "Not satisfied",
		"h_remarks":         "Remarks of the people's inspection boards",
		"t_survey":          "Table 7. Pre-meeting survey answers by field",
		"t_outcomes":        "Table 8. Follow-up tasks by outcome",
		"t_quality":         "Table 9. Timeliness and quality of the follow-up",
		"t_alerts":          "Table 10. Overdue alerts by escalation level",

		"recipients":      "To:",
		"recipients_list": "- Standing board of the Party committee;\n- People's Committee of the same level;\n- Mass Mobilisation Commission;\n- Archive.",
		"sign_for":        "ON BEHALF OF THE STANDING BOARD",
		"sign_title":      "CHAIR",
		"sign_note":       "(Signature, full name, seal)",
		"generated":       "Generated by the dialogue follow-up system",
		"page":            "Page",
	}
)
