package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/doithoai/doithoai/internal/catalog"
	"github.com/doithoai/doithoai/internal/domain"
)

// The demo's map, drawn from the shipped catalogue (internal/catalog):
// today's Hưng Yên and its communes; the old map's Thái Bình with its Vũ
// Thư district and that district's communes, merged into today's communes
// (and Thái Bình into Hưng Yên) through the mergers API, after Vũ Thư's
// district plan for 2025 was held. The demo's units carry the official
// codes behind demoCodePrefix, so the catalogue itself (cmd/catalog) can
// be imported into the same database.
const (
	demoCodePrefix   = "DEMO-"
	demoProvince     = "33"              // today's Hưng Yên
	demoOldProvince  = "truoc2025-34"    // the former Thái Bình
	demoOldDistrict  = "truoc2025-344"   // the former Vũ Thư district
	demoSuccessor    = "13264"           // Xã Thư Vũ, formed by a merger
	demoSuccessorOld = "truoc2025-13255" // Xã Vũ Hội, one of its predecessors
	demoOtherCommune = "13192"           // Xã Vũ Thư
	demoHistoryRef   = "55-KH/HU"        // the district's plan number
	demoProvinceNote = " (demo)"         // marks the demo's provinces
	demoMergedAt     = "2025-07-01T00:00:00+07:00"
)

// demoMap is the demo's units by official code (without demoCodePrefix).
type demoMap struct {
	ids map[string]string
	// oldCommunes are the former Vũ Thư district's communes, by code, in
	// catalogue order, each with the code of the commune it merged into.
	oldCommunes []catalog.HistoricEntry
	// communes are today's communes of Hưng Yên, in catalogue order.
	communes []catalog.Entry
}

func (m *demoMap) id(code string) string { return m.ids[code] }

// demoUnits creates (or finds) the demo's units: Hưng Yên and its
// communes, the former Thái Bình, Vũ Thư district and its communes.
func demoUnits(ctx context.Context, c *demoClient) (*demoMap, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	m := &demoMap{ids: map[string]string{}}
	for _, e := range cat.Current {
		if e.Code == demoProvince || e.Parent == demoProvince {
			if e.Level == domain.LevelCommune {
				m.communes = append(m.communes, e)
			}
		}
	}
	var old []catalog.Entry
	for _, h := range cat.History {
		switch {
		case h.Code == demoOldProvince || h.Code == demoOldDistrict:
			old = append(old, h.Entry)
		case h.Parent == demoOldDistrict:
			old = append(old, h.Entry)
			m.oldCommunes = append(m.oldCommunes, h)
		}
	}
	if len(m.communes) == 0 || len(m.oldCommunes) == 0 {
		return nil, errors.New("demo: the catalogue lacks Hưng Yên or the former Vũ Thư")
	}
	existing, err := c.unitCodes(ctx)
	if err != nil {
		return nil, err
	}
	add := func(e catalog.Entry, name, parent string) error {
		if id, ok := existing[demoCodePrefix+e.Code]; ok {
			m.ids[e.Code] = id
			return nil
		}
		id, err := c.createUnit(ctx, demoCodePrefix+e.Code, name, e.Level, e.Kind, parent)
		m.ids[e.Code] = id
		return err
	}
	prov := catalog.Entry{Code: demoProvince, Level: domain.LevelProvince, Kind: "tinh"}
	if err := add(prov, "Tỉnh Hưng Yên"+demoProvinceNote, ""); err != nil {
		return nil, err
	}
	for _, e := range m.communes {
		if err := add(e, e.Name, m.id(demoProvince)); err != nil {
			return nil, err
		}
	}
	for _, e := range old {
		name, parent := e.Name, m.id(e.Parent)
		if e.Code == demoOldProvince {
			name, parent = e.Name+demoProvinceNote, ""
		}
		if err := add(e, name, parent); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// demoHistory makes the former Vũ Thư district's plan for 2025, as it was
// held before the map changed: three district dialogues and one in each of
// its communes, all held but five communes' (cancelled), so its report
// reads "25/30 xã". It is made once; a later run finds it.
func demoHistory(ctx context.Context, c *demoClient, m *demoMap) (string, error) {
	district := m.id(demoOldDistrict)
	var found struct {
		Items []struct {
			ReferenceNo string `json:"reference_no"`
		} `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, "/plans?year=2025&unit_id="+district, nil, http.StatusOK, &found); err != nil {
		return "", err
	}
	for _, p := range found.Items {
		if p.ReferenceNo == demoHistoryRef {
			return "", nil // made by an earlier run (its communes have merged since)
		}
	}
	var dialogues []map[string]any
	at := func(month, day int) string {
		return time.Date(2025, time.Month(month), day, 8, 0, 0, 0, domain.Location).Format(time.RFC3339)
	}
	host := []map[string]any{{"name": "Nguyễn Văn Hùng", "title": "Bí thư Huyện ủy"}}
	for i, topic := range []string{"", "Bồi thường, giải phóng mặt bằng khu công nghiệp", ""} {
		d := map[string]any{"scheduled_at": at(3+i, 10), "kind": "periodic", "place": "Hội trường Huyện ủy Vũ Thư", "hosts": host}
		if topic != "" {
			d["kind"], d["topic"] = "thematic", topic
		}
		dialogues = append(dialogues, d)
	}
	for i, e := range m.oldCommunes {
		dialogues = append(dialogues, map[string]any{"unit_id": m.id(e.Code), "scheduled_at": at(4+i%3, 15+i%10), "kind": "periodic",
			"place": "Hội trường UBND " + e.Name, "hosts": []map[string]any{{"name": "Chủ tịch UBND " + e.Name}}})
	}
	plan := map[string]any{"unit_id": district, "year": 2025, "reference_no": demoHistoryRef, "issuing_body": "Huyện ủy Vũ Thư",
		"title": "Kế hoạch tiếp xúc, đối thoại trực tiếp năm 2025 (trước sắp xếp đơn vị hành chính)", "dialogues": dialogues}
	var created struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, http.MethodPost, "/plans", plan, http.StatusCreated, &created)
	var he *demoHTTPError
	switch {
	case errors.As(err, &he) && he.status == http.StatusConflict:
		return "", nil // made by an earlier run
	case err != nil:
		return "", fmt.Errorf("demo history plan: %w", err)
	}
	var p struct {
		Dialogues []struct {
			ID          string    `json:"id"`
			UnitID      string    `json:"unit_id"`
			ScheduledAt time.Time `json:"scheduled_at"`
		} `json:"dialogues"`
	}
	if err := c.do(ctx, http.MethodGet, "/plans/"+created.ID, nil, http.StatusOK, &p); err != nil {
		return "", err
	}
	sort.Slice(p.Dialogues, func(i, j int) bool { return p.Dialogues[i].ScheduledAt.Before(p.Dialogues[j].ScheduledAt) })
	notHeld := map[string]bool{}
	for _, e := range m.oldCommunes[len(m.oldCommunes)-5:] {
		notHeld[m.id(e.Code)] = true
	}
	for i, d := range p.Dialogues {
		if err := demoAwaitPhase(ctx, c, d.ID, domain.PhaseAwaitingSession, true); err != nil {
			return "", err
		}
		if notHeld[d.UnitID] {
			err = c.do(ctx, http.MethodPost, "/dialogues/"+d.ID+"/cancel", map[string]any{"reason": "Không tổ chức được do thiên tai"}, http.StatusOK, &map[string]any{})
		} else {
			err = c.do(ctx, http.MethodPost, "/dialogues/"+d.ID+"/session", demoHistorySession(d.ScheduledAt, i), http.StatusOK, &map[string]any{})
		}
		if err != nil {
			return "", fmt.Errorf("demo history dialogue %s: %w", d.ID, err)
		}
	}
	// Settled before the mergers, so they stay with the units of their time.
	for _, d := range p.Dialogues {
		want := domain.PhaseClosed
		if notHeld[d.UnitID] {
			want = domain.PhaseCancelled
		}
		if err := demoAwaitPhase(ctx, c, d.ID, want, false); err != nil {
			return "", err
		}
	}
	return created.ID, nil
}

// demoHistorySession is the record of a past session: opinions on the
// fields Vũ Thư reported (land, environment, transport, social policy).
func demoHistorySession(at time.Time, i int) map[string]any {
	fields := []string{"Đất đai", "Môi trường", "Giao thông", "Chính sách xã hội"}
	var opinions []map[string]any
	for j := 0; j < 3; j++ {
		f := fields[(i+j)%len(fields)]
		o := map[string]any{"field": f, "content": "Ý kiến về " + strings.ToLower(f), "source": "floor"}
		if j == 0 {
			o["answered_on_spot"], o["answer"] = true, "Đã trả lời tại hội nghị"
		}
		opinions = append(opinions, o)
	}
	return map[string]any{"held_at": at.Format(time.RFC3339), "chair": "Chủ trì hội nghị",
		"attendance": map[string]any{"total": 80 + i}, "opinions": opinions,
		"conclusions": []map[string]any{{"content": "Giao các cơ quan chuyên môn rà soát, trả lời bằng văn bản"}}}
}

// demoMergers records, through the API, the mergers of 1 July 2025 on the
// demo's map: each former Vũ Thư commune into today's commune the
// catalogue names (Xã Thư Vũ from Vũ Hội, Việt Thuận, Vũ Vinh and Vũ Vân),
// and the former Thái Bình into Hưng Yên. Recording them again changes
// nothing.
func demoMergers(ctx context.Context, c *demoClient, m *demoMap) error {
	sources := map[string][]string{}
	refs := map[string]string{}
	for _, h := range m.oldCommunes {
		if h.Successor == "" || m.id(h.Successor) == "" {
			continue
		}
		sources[h.Successor] = append(sources[h.Successor], m.id(h.Code))
		refs[h.Successor] = h.Reference
	}
	succs := make([]string, 0, len(sources))
	for s := range sources {
		succs = append(succs, s)
	}
	sort.Strings(succs)
	merge := func(succ string, srcs []string, ref string) error {
		body := map[string]any{"successor_id": succ, "source_ids": srcs, "effective_at": demoMergedAt, "reference": ref}
		if err := c.do(ctx, http.MethodPost, "/units/mergers", body, http.StatusCreated, &map[string]any{}); err != nil {
			return fmt.Errorf("demo merger: %w", err)
		}
		return nil
	}
	for _, s := range succs {
		if err := merge(m.id(s), sources[s], refs[s]); err != nil {
			return err
		}
	}
	return merge(m.id(demoProvince), []string{m.id(demoOldProvince)}, "202/2025/QH15")
}

// demoAwaitPhase waits until the dialogue's row has reached phase and, if
// live, its workflow too (a command sent before the workflow has is
// refused).
func demoAwaitPhase(ctx context.Context, c *demoClient, dialogueID, phase string, live bool) error {
	for i := 0; ; i++ {
		var d struct {
			Phase string `json:"phase"`
			Live  *struct {
				Phase string `json:"phase"`
			} `json:"live"`
		}
		if err := c.do(ctx, http.MethodGet, "/dialogues/"+dialogueID, nil, http.StatusOK, &d); err != nil {
			return err
		}
		if d.Phase == phase && (!live || d.Live != nil && d.Live.Phase == phase) {
			return nil
		}
		if i == 300 {
			return fmt.Errorf("demo: dialogue %s did not reach %s", dialogueID, phase)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
