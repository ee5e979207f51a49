package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The built-in vocabulary: small lists that combine into realistic
// Vietnamese names and texts.

// provinceNames are the 63 provinces and centrally-run cities (before the
// 2025 merger), kind first.
var provinceNames = [][2]string{
	{"Thành phố", "Hà Nội"}, {"Thành phố", "Hồ Chí Minh"}, {"Thành phố", "Hải Phòng"}, {"Thành phố", "Đà Nẵng"},
	{"Thành phố", "Cần Thơ"}, {"Tỉnh", "Hà Giang"}, {"Tỉnh", "Cao Bằng"}, {"Tỉnh", "Bắc Kạn"}, {"Tỉnh", "Tuyên Quang"},
	{"Tỉnh", "Lào Cai"}, {"Tỉnh", "Điện Biên"}, {"Tỉnh", "Lai Châu"}, {"Tỉnh", "Sơn La"}, {"Tỉnh", "Yên Bái"},
	{"Tỉnh", "Hòa Bình"}, {"Tỉnh", "Thái Nguyên"}, {"Tỉnh", "Lạng Sơn"}, {"Tỉnh", "Quảng Ninh"}, {"Tỉnh", "Bắc Giang"},
	{"Tỉnh", "Phú Thọ"}, {"Tỉnh", "Vĩnh Phúc"}, {"Tỉnh", "Bắc Ninh"}, {"Tỉnh", "Hải Dương"}, {"Tỉnh", "Hưng Yên"},
	{"Tỉnh", "Thái Bình"}, {"Tỉnh", "Hà Nam"}, {"Tỉnh", "Nam Định"}, {"Tỉnh", "Ninh Bình"}, {"Tỉnh", "Thanh Hóa"},
	{"Tỉnh", "Nghệ An"}, {"Tỉnh", "Hà Tĩnh"}, {"Tỉnh", "Quảng Bình"}, {"Tỉnh", "Quảng Trị"}, {"Tỉnh", "Thừa Thiên Huế"},
	{"Tỉnh", "Quảng Nam"}, {"Tỉnh", "Quảng Ngãi"}, {"Tỉnh", "Bình Định"}, {"Tỉnh", "Phú Yên"}, {"Tỉnh", "Khánh Hòa"},
	{"Tỉnh", "Ninh Thuận"}, {"Tỉnh", "Bình Thuận"}, {"Tỉnh", "Kon Tum"}, {"Tỉnh", "Gia Lai"}, {"Tỉnh", "Đắk Lắk"},
	{"Tỉnh", "Đắk Nông"}, {"Tỉnh", "Lâm Đồng"}, {"Tỉnh", "Bình Phước"}, {"Tỉnh", "Tây Ninh"}, {"Tỉnh", "Bình Dương"},
	{"Tỉnh", "Đồng Nai"}, {"Tỉnh", "Bà Rịa - Vũng Tàu"}, {"Tỉnh", "Long An"}, {"Tỉnh", "Tiền Giang"}, {"Tỉnh", "Bến Tre"},
	{"Tỉnh", "Trà Vinh"}, {"Tỉnh", "Vĩnh Long"}, {"Tỉnh", "Đồng Tháp"}, {"Tỉnh", "An Giang"}, {"Tỉnh", "Kiên Giang"},
	{"Tỉnh", "Hậu Giang"}, {"Tỉnh", "Sóc Trăng"}, {"Tỉnh", "Bạc Liêu"}, {"Tỉnh", "Cà Mau"},
}

// placeWords combine in pairs into district and commune names
// ("Tân Hòa", "Vĩnh Lộc"…).
var placeWords = []string{
	"An", "Bình", "Hòa", "Phú", "Tân", "Long", "Hưng", "Xuân", "Đông", "Tây", "Nam", "Bắc", "Trung", "Phước",
	"Thuận", "Thành", "Vĩnh", "Quang", "Minh", "Đức", "Hiệp", "Lộc", "Mỹ", "Thịnh", "Yên", "Hải", "Sơn", "Lâm",
	"Thủy", "Hồng", "Cát", "Kim", "Ngọc", "Phong", "Thái", "Định", "Hà", "Gia", "Khánh", "Lạc", "Nghĩa", "Thạch",
	"Tiên", "Vũ", "Kiến", "Đại", "Thượng", "Cẩm", "Hoàng", "Trường", "Quảng", "Thọ", "Phúc", "Lợi", "Tiến", "Liên",
	"Hợp", "Thắng", "Lương", "Châu", "Bảo", "Diên", "Mai", "Đồng", "Thư", "Xương", "Văn", "Hội", "Dương", "Trà",
}

var surnames = []string{
	"Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Phạm", "Hoàng", "Huỳnh",
	"Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ", "Lương",
}
var middleMale = []string{"Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Đình", "Xuân", "Ngọc", "Mạnh"}
var middleFemale = []string{"Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Kim", "Phương"}
var givenMale = []string{
	"An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Minh", "Nam", "Phong", "Quân", "Sơn",
	"Thắng", "Trung", "Tuấn", "Việt", "Hòa", "Đạt", "Thành", "Tùng", "Lâm", "Kiên", "Toàn", "Quang",
}
var givenFemale = []string{
	"Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương", "Tâm", "Thảo", "Thủy", "Trang", "Vân",
	"Yến", "Huyền", "Loan", "Dung", "Oanh", "Hằng",
}

func personName(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return pick(r, surnames) + " " + pick(r, middleFemale) + " " + pick(r, givenFemale)
	}
	return pick(r, surnames) + " " + pick(r, middleMale) + " " + pick(r, givenMale)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// placeName returns a two-word place name not in used, and marks it used.
func placeName(r *rand.Rand, used map[string]bool) string {
	for tries := 0; ; tries++ {
		a, b := pick(r, placeWords), pick(r, placeWords)
		if a == b {
			continue
		}
		n := a + " " + b
		if tries > 50 {
			n = fmt.Sprintf("%s %d", n, tries)
		}
		if !used[n] {
			used[n] = true
			return n
		}
	}
}

// Fields (lĩnh vực) of survey answers and opinions, with their weights.
var fields = []string{
	"Đất đai", "Môi trường", "Giao thông", "Chính sách xã hội", "An ninh trật tự", "Y tế", "Giáo dục", "Xây dựng", "Nông nghiệp",
}
var fieldWeights = []float64{22, 15, 13, 14, 8, 7, 7, 8, 6}

// issues are what people raise, by field (the index of fields).
var issues = [][]string{
	{ // Đất đai
		"Việc cấp giấy chứng nhận quyền sử dụng đất còn chậm, thủ tục rườm rà",
		"Đề nghị công khai quy hoạch sử dụng đất của địa phương",
		"Bồi thường, hỗ trợ giải phóng mặt bằng dự án chưa thỏa đáng",
		"Tình trạng lấn chiếm đất công, đất hành lang giao thông",
		"Tranh chấp ranh giới đất giữa các hộ chưa được giải quyết dứt điểm",
		"Đề nghị sớm giao đất tái định cư cho các hộ bị thu hồi đất",
	},
	{ // Môi trường
		"Rác thải sinh hoạt chưa được thu gom thường xuyên",
		"Ô nhiễm mùi, nước thải từ cơ sở chăn nuôi, sản xuất",
		"Kênh mương bị bồi lắng, ô nhiễm, gây ngập úng khi mưa lớn",
		"Đề nghị xử lý tình trạng đốt rơm rạ gây khói bụi",
		"Điểm tập kết rác gần khu dân cư gây ô nhiễm",
		"Khói bụi từ xe chở vật liệu xây dựng không che chắn",
	},
	{ // Giao thông
		"Đường liên thôn xuống cấp, nhiều ổ gà",
		"Đề nghị lắp đặt đèn chiếu sáng, biển báo tại các nút giao",
		"Tiến độ thi công dự án đường chậm, ảnh hưởng việc đi lại",
		"Xe quá tải làm hư hỏng đường giao thông nông thôn",
		"Thiếu gờ giảm tốc tại khu vực trường học",
		"Đề nghị nâng cấp cầu dân sinh đã xuống cấp",
	},
	{ // Chính sách xã hội
		"Việc bình xét hộ nghèo, cận nghèo chưa công khai, minh bạch",
		"Chậm chi trả trợ cấp cho người có công, đối tượng bảo trợ xã hội",
		"Đề nghị hỗ trợ nhà ở cho hộ gia đình có hoàn cảnh khó khăn",
		"Thủ tục hưởng chế độ cho người cao tuổi còn phức tạp",
		"Đề nghị hỗ trợ học nghề, giải quyết việc làm cho lao động nông thôn",
		"Cấp thẻ bảo hiểm y tế cho đối tượng chính sách còn chậm",
	},
	{ // An ninh trật tự
		"Tình trạng trộm cắp vặt diễn biến phức tạp",
		"Thanh thiếu niên tụ tập, đua xe gây mất trật tự vào ban đêm",
		"Đề nghị xử lý hoạt động tín dụng đen, cho vay nặng lãi",
		"Đề nghị tăng cường tuần tra, lắp camera an ninh tại khu dân cư",
		"Cơ sở karaoke gây tiếng ồn quá giờ quy định",
		"Lừa đảo qua mạng, qua điện thoại nhắm vào người cao tuổi",
	},
	{ // Y tế
		"Trạm y tế thiếu thuốc, thiếu trang thiết bị",
		"Đề nghị tăng cường kiểm tra an toàn thực phẩm",
		"Thủ tục khám chữa bệnh bảo hiểm y tế còn phiền hà",
		"Công tác phòng chống dịch sốt xuất huyết chưa kịp thời",
		"Đề nghị bố trí bác sĩ thường trực tại trạm y tế",
	},
	{ // Giáo dục
		"Cơ sở vật chất trường học xuống cấp, thiếu phòng học",
		"Tình trạng lạm thu đầu năm học",
		"Đề nghị bố trí đủ giáo viên cho các trường",
		"Thiếu chỗ học cho trẻ mầm non",
		"Mất an toàn giao thông khu vực cổng trường giờ tan học",
	},
	{ // Xây dựng
		"Xây dựng trái phép, sai phép chưa được xử lý",
		"Đề nghị rút ngắn thời gian cấp phép xây dựng nhà ở riêng lẻ",
		"Nhà văn hóa thôn xuống cấp, cần sửa chữa",
		"Chất lượng công trình xây dựng cơ bản chưa bảo đảm",
		"Dự án chậm triển khai, đất bỏ hoang nhiều năm",
	},
	{ // Nông nghiệp
		"Giá vật tư nông nghiệp tăng cao, đề nghị hỗ trợ nông dân",
		"Hệ thống thủy lợi nội đồng xuống cấp",
		"Đề nghị hỗ trợ tiêu thụ nông sản cho bà con",
		"Dịch bệnh trên đàn gia súc, gia cầm chưa được kiểm soát",
		"Đề nghị hỗ trợ chuyển đổi cơ cấu cây trồng, vật nuôi",
	},
}

// conclusions are what the chair concludes about a field.
var conclusionTexts = []string{
	"Giao cơ quan chuyên môn rà soát, đẩy nhanh việc cấp giấy chứng nhận quyền sử dụng đất; xử lý dứt điểm các trường hợp lấn chiếm đất công",
	"Tăng cường thu gom, xử lý rác thải; kiểm tra, xử lý nghiêm các cơ sở gây ô nhiễm môi trường",
	"Khảo sát, lập kế hoạch sửa chữa các tuyến đường xuống cấp; bổ sung biển báo, đèn chiếu sáng",
	"Công khai, minh bạch việc bình xét hộ nghèo; chi trả đầy đủ, kịp thời các chế độ chính sách",
	"Tăng cường tuần tra, kiểm soát; xử lý nghiêm các hành vi vi phạm trật tự, an toàn xã hội",
	"Bổ sung thuốc, trang thiết bị cho trạm y tế; tăng cường kiểm tra an toàn thực phẩm",
	"Rà soát cơ sở vật chất trường học; chấn chỉnh tình trạng lạm thu, bố trí đủ giáo viên",
	"Kiểm tra, xử lý các công trình xây dựng trái phép; rút ngắn thời gian cấp phép xây dựng",
	"Nạo vét, sửa chữa hệ thống thủy lợi; hỗ trợ nông dân tiêu thụ nông sản, phòng chống dịch bệnh",
}

// taskTitles are follow-up tasks by field.
var taskTitles = [][]string{
	{"Rà soát hồ sơ cấp giấy chứng nhận quyền sử dụng đất còn tồn đọng", "Kiểm tra, xử lý vi phạm lấn chiếm đất công", "Công khai quy hoạch, kế hoạch sử dụng đất", "Giải quyết dứt điểm đơn tranh chấp đất đai"},
	{"Bố trí lịch thu gom rác thải hằng ngày", "Kiểm tra, xử lý cơ sở chăn nuôi gây ô nhiễm", "Nạo vét kênh mương, khơi thông dòng chảy", "Di dời điểm tập kết rác ra xa khu dân cư"},
	{"Sửa chữa, vá ổ gà các tuyến đường liên thôn", "Lắp đặt đèn chiếu sáng, biển báo tại nút giao", "Đôn đốc nhà thầu đẩy nhanh tiến độ thi công", "Xây dựng gờ giảm tốc khu vực trường học"},
	{"Rà soát, công khai danh sách hộ nghèo, cận nghèo", "Chi trả dứt điểm trợ cấp còn chậm", "Lập danh sách hỗ trợ nhà ở cho hộ khó khăn", "Tổ chức lớp học nghề cho lao động nông thôn"},
	{"Tăng cường tuần tra đêm tại địa bàn phức tạp", "Lắp đặt camera an ninh tại các trục đường chính", "Kiểm tra, xử lý cơ sở karaoke vi phạm", "Tuyên truyền phòng chống lừa đảo qua mạng"},
	{"Bổ sung thuốc thiết yếu cho trạm y tế", "Kiểm tra an toàn thực phẩm tại các bếp ăn tập thể", "Phun hóa chất phòng chống sốt xuất huyết"},
	{"Sửa chữa phòng học xuống cấp", "Kiểm tra, chấn chỉnh các khoản thu đầu năm học", "Đề xuất bổ sung biên chế giáo viên"},
	{"Lập biên bản, xử lý công trình xây dựng trái phép", "Rà soát quy trình cấp phép xây dựng", "Sửa chữa nhà văn hóa thôn"},
	{"Nạo vét, tu sửa kênh thủy lợi nội đồng", "Kết nối tiêu thụ nông sản cho hợp tác xã", "Tiêm phòng cho đàn gia súc, gia cầm"},
}

// agencies by field at the province, district and commune level; %s is
// the unit ("huyện Vũ Thư", "xã Tân Hòa").
var agencies = map[string][]string{
	"province": {"Sở Tài nguyên và Môi trường %s", "Sở Tài nguyên và Môi trường %s", "Sở Giao thông vận tải %s", "Sở Lao động - Thương binh và Xã hội %s",
		"Công an %s", "Sở Y tế %s", "Sở Giáo dục và Đào tạo %s", "Sở Xây dựng %s", "Sở Nông nghiệp và Phát triển nông thôn %s"},
	"district": {"Phòng Tài nguyên và Môi trường %s", "Phòng Tài nguyên và Môi trường %s", "Phòng Kinh tế và Hạ tầng %s", "Phòng Lao động - Thương binh và Xã hội %s",
		"Công an %s", "Phòng Y tế %s", "Phòng Giáo dục và Đào tạo %s", "Phòng Kinh tế và Hạ tầng %s", "Phòng Nông nghiệp và Phát triển nông thôn %s"},
	"commune": {"Công chức Địa chính - Xây dựng %s", "Công chức Địa chính - Môi trường %s", "Ban Quản lý dự án %s", "Công chức Văn hóa - Xã hội %s",
		"Công an %s", "Trạm Y tế %s", "Công chức Văn hóa - Xã hội %s", "Công chức Địa chính - Xây dựng %s", "Công chức Nông nghiệp %s"},
}

var answers = []string{
	"Đồng chí chủ trì đã trả lời trực tiếp, giao bộ phận chuyên môn giải quyết trong tháng",
	"Đã giải thích rõ quy định của pháp luật; người dân đồng tình",
	"Tiếp thu, đưa vào kế hoạch đầu tư công năm tới",
	"Đã có phương án xử lý, dự kiến hoàn thành trong quý tới",
	"Đề nghị công dân bổ sung hồ sơ để được xem xét giải quyết",
	"Giao cơ quan chuyên môn kiểm tra, trả lời bằng văn bản trong 15 ngày",
}

var localities = []string{"thôn %d", "tổ dân phố %d", "xóm %d", "khu %d", "ấp %d"}

var invitedGroups = []string{
	"Đại biểu HĐND", "Ủy ban MTTQ", "Hội Cựu chiến binh", "Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên",
	"Người có uy tín", "Nhân dân khu dân cư", "Doanh nghiệp, hộ kinh doanh", "Công đoàn",
}

// topics of thematic dialogues, with the field they are about.
var thematicTopics = []struct {
	Topic string
	Field int
}{
	{"Công tác bồi thường, giải phóng mặt bằng các dự án trọng điểm", 0},
	{"Cấp giấy chứng nhận quyền sử dụng đất", 0},
	{"Bảo vệ môi trường, thu gom và xử lý rác thải", 1},
	{"Bảo đảm an toàn giao thông", 2},
	{"Thực hiện chính sách đối với người có công, hộ nghèo", 3},
	{"Giữ gìn an ninh trật tự tại khu dân cư", 4},
	{"Chăm sóc sức khỏe ban đầu và an toàn thực phẩm", 5},
	{"Chất lượng giáo dục và các khoản thu trong trường học", 6},
	{"Quản lý trật tự xây dựng đô thị", 7},
	{"Xây dựng nông thôn mới nâng cao", 8},
	{"Cải cách thủ tục hành chính, dịch vụ công trực tuyến", 3},
}

// adhocTopics are the hot spots that call for an ad hoc dialogue.
var adhocTopics = []struct {
	Topic string
	Field int
}{
	{"Khiếu nại về giá bồi thường dự án đường vành đai", 0},
	{"Ô nhiễm môi trường tại cụm công nghiệp", 1},
	{"Sạt lở bờ sông ảnh hưởng nhà dân", 7},
	{"Tranh chấp đất đai kéo dài tại khu dân cư", 0},
	{"Mất an ninh trật tự do tụ tập đông người", 4},
	{"Ngập úng kéo dài sau mưa lớn", 1},
	{"Di dời bãi rác tạm gây ô nhiễm", 1},
}

var cancelReasons = []string{
	"Trùng lịch tổ chức bầu cử, không bố trí được thời gian",
	"Ảnh hưởng của bão, lũ; ưu tiên công tác khắc phục hậu quả",
	"Sắp xếp đơn vị hành chính, điều chỉnh kế hoạch",
	"Người đứng đầu bận công tác đột xuất, không bố trí được lịch",
	"Lồng ghép với hội nghị tiếp xúc cử tri cùng thời điểm",
}

var returnReasons = []string{
	"Báo cáo chưa nêu rõ số hộ đã được giải quyết",
	"Chưa có biên bản nghiệm thu, xác nhận của người dân",
	"Kết quả chưa đáp ứng yêu cầu của kết luận",
	"Đề nghị bổ sung hình ảnh, tài liệu chứng minh",
}

var taskCancelReasons = []string{
	"Nội dung đã được giải quyết theo nhiệm vụ khác",
	"Không còn phù hợp do điều chỉnh quy hoạch",
	"Trùng với nhiệm vụ đã giao trước đó",
}

var extensionReasons = []string{
	"Cần thêm thời gian lấy ý kiến các hộ dân liên quan",
	"Chờ bố trí kinh phí thực hiện",
	"Thời tiết không thuận lợi cho thi công",
	"Phải phối hợp với cơ quan cấp trên",
}

var resultTexts = []string{
	"Đã hoàn thành, có báo cáo kết quả kèm theo",
	"Đã kiểm tra, xử lý xong; thông báo kết quả đến người dân",
	"Đã thực hiện xong, nghiệm thu đưa vào sử dụng",
	"Đã giải quyết dứt điểm, người dân đồng tình",
}

// weightedIndex picks an index with probability proportional to w.
func weightedIndex(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// lowerFirst lower-cases a unit kind for use inside a sentence.
func lowerFirst(kind string) string { return strings.ToLower(kind) }
