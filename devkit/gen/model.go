package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/domain"
)

// The in-memory model of a generated year: the unit tree, one plan per
// unit, and the dialogues with their fate. It is small (a country-year is
// about 10,000 dialogues); the bulky content of each dialogue (answers,
// opinions, tasks) is drawn only when the dialogue is written.

// Fates of a dialogue.
const (
	fateHeld      = iota // the session is held and recorded
	fateMissed           // never recorded: it waits in awaiting_session with a missed-session alert
	fateCancelled        // cancelled by the planner
)

type unitM struct {
	ID       string
	ParentID *string
	Parent   *unitM
	Children []*unitM
	Level    string
	// Kind is "Tỉnh", "Thành phố", "Quận", "Huyện", "Thị xã", "Phường",
	// "Xã" or "Thị trấn"; Short is the proper name ("Vũ Thư").
	Kind, Short, Name string
	// Code and OfficialKind are the catalogue's code and kind (xa, phuong,
	// …) on the country scale, "" elsewhere.
	Code, OfficialKind string
	// Committee is the party committee ("Huyện ủy Vũ Thư"), RefSuffix the
	// suffix of its document numbers ("HU").
	Committee, RefSuffix string
	// People of the unit this year.
	Secretary, Chairman, MTTQ, Planner string
	Monitors                           []string
}

func (u *unitM) secretaryTitle() string { return "Bí thư " + u.Committee }
func (u *unitM) chairmanTitle() string {
	return "Chủ tịch UBND " + lowerFirst(u.Kind) + " " + u.Short
}

type planM struct {
	Unit      *unitM
	ID        string
	At        time.Time
	Ref       string
	Dialogues []*dialogueM
	// Existed is set when the plan was found stored by an earlier run.
	Existed bool
}

type dialogueM struct {
	Plan      *planM
	Spec      domain.DialogueSpec
	AdHoc     bool
	CreatedAt time.Time
	Fate      int
	// HotField is the field most answers and opinions are about.
	HotField int
	// Final is the phase the dialogue ended in (set when it is written).
	Final string
}

// model is everything decided before the first write.
type model struct {
	// twoLevel is the map since 1 July 2025 (the country scale): provinces
	// and their communes, no districts.
	twoLevel  bool
	provinces []*unitM
	units     []*unitM // parents before children
	plans     []*planM
	dialogues []*dialogueM
	// bases of the per-dialogue amounts, before the level weight and the
	// per-dialogue spread.
	answersBase, opinionsBase, tasksBase float64
}

// Level weights of the per-dialogue amounts: a provincial dialogue gathers
// more answers, opinions and tasks than a commune's.
var (
	answersWeight  = map[string]float64{domain.LevelCommune: 1, domain.LevelDistrict: 3, domain.LevelProvince: 8}
	opinionsWeight = map[string]float64{domain.LevelCommune: 1, domain.LevelDistrict: 1.5, domain.LevelProvince: 2}
	tasksWeight    = map[string]float64{domain.LevelCommune: 1, domain.LevelDistrict: 1.5, domain.LevelProvince: 2}
)

// spread returns a count around n: between n-n/5 and n+n/5.
func spread(r *rand.Rand, n int) int {
	d := n / 5
	if d == 0 {
		return n
	}
	return n - d + r.IntN(2*d+1)
}

func local(y int, m time.Month, d, hour, minute int) time.Time {
	return time.Date(y, m, d, hour, minute, 0, 0, domain.Location)
}

// dayBetween draws a working day between from and to (dates in Vietnam
// time) at the given time of day.
func dayBetween(r *rand.Rand, cal *calendar.Calendar, from, to time.Time, clock time.Duration) time.Time {
	days := int(to.Sub(from).Hours()/24) + 1
	d := from.AddDate(0, 0, r.IntN(max(days, 1)))
	for i := 0; i < 10 && !cal.IsWorkingDay(d); i++ {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, domain.Location).Add(clock)
}

var sessionClocks = []time.Duration{7*time.Hour + 30*time.Minute, 8 * time.Hour, 8 * time.Hour, 14 * time.Hour, 13*time.Hour + 30*time.Minute}

func officeClock(r *rand.Rand) time.Duration {
	return 8*time.Hour + time.Duration(r.IntN(8*60))*time.Minute
}

// buildUnits draws the unit tree. It depends on the seed and the shape
// only (not the year), so several years generated with one seed share it.
func buildUnits(o Options) *model {
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x756e697473))
	m := &model{}
	shape := fmt.Sprintf("%dx%dx%d", o.Provinces, o.DistrictsPerProvince, o.CommunesPerDistrict)
	id := func(path string) string {
		return activities.StableID(fmt.Sprintf("gen/%d/%s/unit/%s", o.Seed, shape, path))
	}
	order := r.Perm(len(provinceNames))
	if o.Provinces >= len(provinceNames) {
		order = nil
		for i := range provinceNames {
			order = append(order, i)
		}
	}
	for p := 0; p < o.Provinces; p++ {
		pn := provinceNames[order[p%len(order)]]
		short := pn[1]
		if p >= len(provinceNames) {
			short = fmt.Sprintf("%s %d", short, p/len(provinceNames)+1)
		}
		prov := &unitM{ID: id(fmt.Sprintf("p%d", p)), Level: domain.LevelProvince, Kind: pn[0], Short: short, RefSuffix: "TU"}
		prov.Committee = "Tỉnh ủy " + short
		if pn[0] == "Thành phố" {
			prov.Committee = "Thành ủy " + short
		}
		m.provinces = append(m.provinces, prov)
	}
	for _, prov := range m.provinces {
		m.units = append(m.units, prov)
	}
	var districts []*unitM
	for p, prov := range m.provinces {
		used := map[string]bool{}
		nd := spread(r, o.DistrictsPerProvince)
		for d := 0; d < nd; d++ {
			kind := "Huyện"
			switch x := r.IntN(100); {
			case prov.Kind == "Thành phố" && x < 50:
				kind = "Quận"
			case prov.Kind == "Thành phố" && x < 65, prov.Kind != "Thành phố" && x < 10:
				kind = "Thị xã"
			case prov.Kind != "Thành phố" && x < 20:
				kind = "Thành phố"
			}
			dist := &unitM{ID: id(fmt.Sprintf("p%d.d%d", p, d)), Level: domain.LevelDistrict, Kind: kind, Short: placeName(r, used), Parent: prov}
			switch kind {
			case "Quận":
				dist.Committee, dist.RefSuffix = "Quận ủy "+dist.Short, "QU"
			case "Huyện":
				dist.Committee, dist.RefSuffix = "Huyện ủy "+dist.Short, "HU"
			case "Thị xã":
				dist.Committee, dist.RefSuffix = "Thị ủy "+dist.Short, "TU"
			default:
				dist.Committee, dist.RefSuffix = "Thành ủy "+dist.Short, "TU"
			}
			prov.Children = append(prov.Children, dist)
			districts = append(districts, dist)
		}
	}
	m.units = append(m.units, districts...)
	for di, dist := range districts {
		used := map[string]bool{}
		nc := spread(r, o.CommunesPerDistrict)
		for c := 0; c < nc; c++ {
			kind := "Xã"
			switch dist.Kind {
			case "Quận":
				kind = "Phường"
			case "Huyện":
				if c == 0 {
					kind = "Thị trấn"
				}
			default:
				if r.IntN(10) < 7 {
					kind = "Phường"
				}
			}
			com := &unitM{ID: id(fmt.Sprintf("d%d.c%d", di, c)), Level: domain.LevelCommune, Kind: kind, Short: placeName(r, used), Parent: dist, RefSuffix: "ĐU"}
			com.Committee = "Đảng ủy " + lowerFirst(kind) + " " + com.Short
			dist.Children = append(dist.Children, com)
			m.units = append(m.units, com)
		}
	}
	for _, u := range m.units {
		u.Name = u.Kind + " " + u.Short
		if u.Parent != nil {
			pid := u.Parent.ID
			u.ParentID = &pid
		}
	}
	return m
}

// buildYear draws the year: each unit's people, plan and dialogues, and
// which dialogues are held, missed or cancelled.
func (m *model) buildYear(o Options, cal *calendar.Calendar) {
	r := rand.New(rand.NewPCG(uint64(o.Seed), uint64(o.Year)))
	y := o.Year
	for _, u := range m.units {
		u.Secretary, u.Chairman, u.MTTQ, u.Planner = personName(r), personName(r), personName(r), personName(r)
		u.Monitors = []string{personName(r), personName(r)}
	}
	// Which communes hold their dialogue: HeldRatio of each district (of
	// each province on the two-level map), rounded.
	holds := map[*unitM]bool{}
	for _, u := range m.units {
		if u.Level != domain.LevelDistrict && !(m.twoLevel && u.Level == domain.LevelProvince) {
			continue
		}
		n := len(u.Children)
		h := int(math.Round(o.HeldRatio * float64(n)))
		for i, k := range r.Perm(n) {
			holds[u.Children[k]] = i < h
		}
	}
	for _, u := range m.units {
		p := &planM{Unit: u, At: dayBetween(r, cal, local(y, 1, 5, 0, 0), local(y, 1, 25, 0, 0), officeClock(r))}
		p.ID = activities.StableID(fmt.Sprintf("gen/%d/plan/%s/%d", o.Seed, u.ID, y))
		p.Ref = fmt.Sprintf("%d-KH/%s", 10+r.IntN(140), u.RefSuffix)
		add := func(kind string, from, to time.Time, second bool, fate int) {
			d := &dialogueM{Plan: p, Fate: fate, AdHoc: kind == domain.KindAdhoc, HotField: weightedIndex(r, fieldWeights)}
			at := dayBetween(r, cal, from, to, pick(r, sessionClocks))
			spec := domain.DialogueSpec{Kind: kind, ScheduledAt: at}
			switch kind {
			case domain.KindPeriodic:
				spec.Title = fmt.Sprintf("Hội nghị đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân năm %d", y)
				if second {
					spec.Title += " (đợt 2)"
				}
				spec.Hosts = []domain.Host{{Name: u.Secretary, Title: u.secretaryTitle()}, {Name: u.Chairman, Title: u.chairmanTitle()}}
			case domain.KindThematic:
				t := pick(r, thematicTopics)
				spec.Topic, spec.Title, d.HotField = t.Topic, "Đối thoại chuyên đề: "+t.Topic, t.Field
				spec.Hosts = []domain.Host{{Name: u.Chairman, Title: u.chairmanTitle()}}
				if r.IntN(2) == 0 {
					spec.Hosts = append([]domain.Host{{Name: u.Secretary, Title: u.secretaryTitle()}}, spec.Hosts...)
				}
			default:
				t := pick(r, adhocTopics)
				spec.Topic, spec.Title, d.HotField = t.Topic, "Đối thoại đột xuất: "+t.Topic, t.Field
				spec.Hosts = []domain.Host{{Name: u.Chairman, Title: u.chairmanTitle()}}
			}
			spec.Place = place(r, u)
			for _, i := range r.Perm(len(invitedGroups))[:3+r.IntN(4)] {
				spec.InvitedGroups = append(spec.InvitedGroups, invitedGroups[i])
			}
			d.Spec = spec
			d.CreatedAt = p.At
			if d.AdHoc {
				d.CreatedAt = dayBetween(r, cal, at.AddDate(0, 0, -25), at.AddDate(0, 0, -18), officeClock(r))
				if !d.CreatedAt.After(p.At) {
					d.CreatedAt = p.At.Add(time.Hour)
				}
			}
			p.Dialogues = append(p.Dialogues, d)
		}
		upperFate := func() int {
			switch x := r.IntN(100); {
			case x < 4:
				return fateCancelled
			case x < 7:
				return fateMissed
			}
			return fateHeld
		}
		switch u.Level {
		case domain.LevelCommune:
			if !holds[u] {
				fate := fateCancelled
				if r.IntN(2) == 0 {
					fate = fateMissed
				}
				add(domain.KindPeriodic, local(y, 3, 1, 0, 0), local(y, 11, 30, 0, 0), false, fate)
				break
			}
			if m.twoLevel {
				// A commune of the two-level map holds two rounds a year
				// and more thematic and ad hoc dialogues (it took over
				// much of the districts' work).
				add(domain.KindPeriodic, local(y, 3, 1, 0, 0), local(y, 6, 30, 0, 0), false, fateHeld)
				add(domain.KindPeriodic, local(y, 9, 1, 0, 0), local(y, 11, 30, 0, 0), true, upperFate())
				if r.IntN(100) < 60 {
					add(domain.KindThematic, local(y, 3, 1, 0, 0), local(y, 11, 30, 0, 0), false, fateHeld)
				}
				if r.IntN(100) < 20 {
					add(domain.KindAdhoc, local(y, 3, 1, 0, 0), local(y, 12, 5, 0, 0), false, fateHeld)
				}
				break
			}
			add(domain.KindPeriodic, local(y, 3, 1, 0, 0), local(y, 11, 30, 0, 0), false, fateHeld)
			if r.IntN(100) < 6 {
				add(domain.KindThematic, local(y, 3, 1, 0, 0), local(y, 11, 30, 0, 0), false, fateHeld)
			}
			if r.IntN(100) < 4 {
				add(domain.KindAdhoc, local(y, 3, 1, 0, 0), local(y, 12, 5, 0, 0), false, fateHeld)
			}
		case domain.LevelDistrict:
			add(domain.KindPeriodic, local(y, 4, 1, 0, 0), local(y, 6, 30, 0, 0), false, upperFate())
			if r.IntN(2) == 0 {
				add(domain.KindPeriodic, local(y, 9, 15, 0, 0), local(y, 12, 5, 0, 0), true, upperFate())
			}
			if r.IntN(10) < 7 {
				add(domain.KindThematic, local(y, 3, 1, 0, 0), local(y, 11, 30, 0, 0), false, upperFate())
			}
			if r.IntN(10) < 3 {
				add(domain.KindAdhoc, local(y, 3, 1, 0, 0), local(y, 12, 5, 0, 0), false, upperFate())
			}
		default:
			add(domain.KindPeriodic, local(y, 4, 1, 0, 0), local(y, 7, 15, 0, 0), false, upperFate())
			if r.IntN(10) < 4 {
				add(domain.KindPeriodic, local(y, 10, 1, 0, 0), local(y, 12, 5, 0, 0), true, upperFate())
			}
			add(domain.KindThematic, local(y, 3, 1, 0, 0), local(y, 11, 30, 0, 0), false, upperFate())
			if r.IntN(2) == 0 {
				add(domain.KindThematic, local(y, 3, 1, 0, 0), local(y, 11, 30, 0, 0), false, upperFate())
			}
			if r.IntN(10) < 4 {
				add(domain.KindAdhoc, local(y, 3, 1, 0, 0), local(y, 12, 5, 0, 0), false, upperFate())
			}
		}
		// Planned dialogues are numbered in date order; ad hoc ones come
		// after them, in the order they are added.
		sort.SliceStable(p.Dialogues, func(i, j int) bool {
			a, b := p.Dialogues[i], p.Dialogues[j]
			if a.AdHoc != b.AdHoc {
				return !a.AdHoc
			}
			if a.AdHoc {
				return a.CreatedAt.Before(b.CreatedAt)
			}
			return a.Spec.ScheduledAt.Before(b.Spec.ScheduledAt)
		})
		for i, d := range p.Dialogues {
			d.Spec.Seq = i + 1
			d.Spec.ID = activities.StableID(fmt.Sprintf("gen/%d/dialogue/%s/%d", o.Seed, p.ID, d.Spec.Seq))
			m.dialogues = append(m.dialogues, d)
		}
		m.plans = append(m.plans, p)
	}
	// The per-dialogue means of Options are over the dialogues that reach
	// that stage; the bases spread them by level weight.
	var wa, wo, wt float64
	var na, nh int
	for _, d := range m.dialogues {
		lvl := d.Plan.Unit.Level
		if d.Fate != fateCancelled {
			wa += answersWeight[lvl]
			na++
		}
		if d.Fate == fateHeld {
			wo += opinionsWeight[lvl]
			wt += tasksWeight[lvl]
			nh++
		}
	}
	if wa > 0 {
		m.answersBase = float64(o.SurveyAnswersPerDialogue) * float64(na) / wa
	}
	if wo > 0 {
		m.opinionsBase = float64(o.OpinionsPerDialogue) * float64(nh) / wo
		m.tasksBase = float64(o.TasksPerDialogue) * float64(nh) / wt
	}
}

func place(r *rand.Rand, u *unitM) string {
	switch u.Level {
	case domain.LevelCommune:
		if r.IntN(3) == 0 {
			return fmt.Sprintf("Nhà văn hóa %s", fmt.Sprintf(pick(r, localities), 1+r.IntN(12)))
		}
		return "Hội trường UBND " + lowerFirst(u.Kind) + " " + u.Short
	case domain.LevelDistrict:
		if r.IntN(2) == 0 {
			return "Trung tâm Văn hóa " + lowerFirst(u.Kind) + " " + u.Short
		}
		return "Hội trường " + u.Committee
	}
	if r.IntN(2) == 0 {
		return "Trung tâm Hội nghị " + lowerFirst(u.Kind) + " " + u.Short
	}
	return "Hội trường " + u.Committee
}
