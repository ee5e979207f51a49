package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/store"
)

// feedFixture is a province with a district and a ward below it, and an
// unrelated province.
type feedFixture struct {
	st                                 *store.Store
	province, district, ward, stranger string
}

func newFeedFixture(t *testing.T) feedFixture {
	t.Helper()
	st, _ := testenv.NewDatabase(t)
	f := feedFixture{st: st, province: uuid.NewString(), district: uuid.NewString(), ward: uuid.NewString(), stranger: uuid.NewString()}
	ctx := context.Background()
	for _, u := range []*store.Unit{
		{ID: f.province, Level: "province", Name: "Tỉnh A"},
		{ID: f.district, ParentID: &f.province, Level: "district", Name: "Huyện B"},
		{ID: f.ward, ParentID: &f.district, Level: "commune", Name: "Xã C"},
		{ID: f.stranger, Level: "province", Name: "Tỉnh D"},
	} {
		if err := st.CreateUnit(ctx, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	return f
}

// settle waits until the feed has settled every row up to seq (FeedHead
// reaches it). Transaction ids are shared by the whole PostgreSQL cluster,
// so a write in flight in another test's database (CREATE DATABASE, a
// migration) holds the feed's horizon back for a moment.
func (f feedFixture) settle(t *testing.T, seq int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		head, err := f.st.FeedHead(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if head >= seq {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("feed head %d did not reach %d", head, seq)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f feedFixture) alert(t *testing.T, unitID string) *store.Alert {
	t.Helper()
	id := uuid.NewString()
	a := &store.Alert{ID: id, DedupKey: "test/" + id, UnitID: unitID, RecipientRole: "planner", Kind: "session_missed",
		TitleVI: "Cảnh báo", TitleEN: "Alert", BodyVI: "Nội dung", BodyEN: "Body"}
	if created, err := f.st.RaiseAlert(context.Background(), a); err != nil || !created {
		t.Fatalf("raise alert: created %v, %v", created, err)
	}
	return a
}

func (f feedFixture) notification(t *testing.T, unitID, kind string) *store.Notification {
	t.Helper()
	id := uuid.NewString()
	n := &store.Notification{ID: id, DedupKey: "test/" + id, UnitID: unitID, Recipient: "Nguyễn Văn A", Channel: "inbox",
		SubjectVI: "Nhắc việc", SubjectEN: "Reminder", BodyVI: "Nội dung", BodyEN: "Body", Kind: kind}
	if created, err := f.st.SaveNotification(context.Background(), n); err != nil || !created {
		t.Fatalf("save notification: created %v, %v", created, err)
	}
	return n
}

func TestFeedSinceMergesInSeqOrderWithinTheUnit(t *testing.T) {
	f := newFeedFixture(t)
	ctx := context.Background()

	head, err := f.st.FeedHead(ctx)
	if err != nil || head != 0 {
		t.Fatalf("head of an empty feed = %d, %v; want 0", head, err)
	}

	// Interleave alerts and notices across the tree and the stranger.
	a1 := f.alert(t, f.ward)
	f.alert(t, f.stranger)
	n1 := f.notification(t, f.district, "reminder")
	a2 := f.alert(t, f.province) // above the district: outside its subtree
	n2 := f.notification(t, f.ward, "notice")
	f.notification(t, f.stranger, "notice")
	a3 := f.alert(t, f.district)

	if a1.Seq == 0 || n1.Seq == 0 {
		t.Fatalf("seq not returned on insert: alert %d, notification %d", a1.Seq, n1.Seq)
	}
	f.settle(t, a3.Seq)
	head, err = f.st.FeedHead(ctx)
	if err != nil || head != a3.Seq {
		t.Fatalf("head = %d, %v; want the last seq %d", head, err, a3.Seq)
	}

	type want struct {
		seq int64
		typ string
		id  string
	}
	check := func(name string, got []store.FeedItem, wants []want) {
		t.Helper()
		if len(got) != len(wants) {
			t.Fatalf("%s: %d items %+v, want %d", name, len(got), got, len(wants))
		}
		for i, w := range wants {
			g := got[i]
			id := ""
			switch {
			case g.Alert != nil && g.Notification == nil:
				id = g.Alert.ID
				if g.Alert.Seq != g.Seq {
					t.Errorf("%s[%d]: alert seq %d, item seq %d", name, i, g.Alert.Seq, g.Seq)
				}
			case g.Notification != nil && g.Alert == nil:
				id = g.Notification.ID
				if g.Notification.Seq != g.Seq {
					t.Errorf("%s[%d]: notification seq %d, item seq %d", name, i, g.Notification.Seq, g.Seq)
				}
			default:
				t.Fatalf("%s[%d]: want exactly one of Alert and Notification: %+v", name, i, g)
			}
			if g.Seq != w.seq || g.Type != w.typ || id != w.id {
				t.Errorf("%s[%d] = seq %d %s %s, want seq %d %s %s", name, i, g.Seq, g.Type, id, w.seq, w.typ, w.id)
			}
		}
	}

	tests := []struct {
		name    string
		unit    string
		subtree bool
		after   int64
		limit   int
		want    []want
	}{
		{name: "district subtree", unit: f.district, subtree: true, limit: 500, want: []want{
			{a1.Seq, store.FeedAlert, a1.ID}, {n1.Seq, store.FeedReminder, n1.ID}, {n2.Seq, store.FeedNotice, n2.ID}, {a3.Seq, store.FeedAlert, a3.ID}}},
		{name: "district only", unit: f.district, subtree: false, limit: 500, want: []want{
			{n1.Seq, store.FeedReminder, n1.ID}, {a3.Seq, store.FeedAlert, a3.ID}}},
		{name: "province subtree", unit: f.province, subtree: true, limit: 500, want: []want{
			{a1.Seq, store.FeedAlert, a1.ID}, {n1.Seq, store.FeedReminder, n1.ID}, {a2.Seq, store.FeedAlert, a2.ID},
			{n2.Seq, store.FeedNotice, n2.ID}, {a3.Seq, store.FeedAlert, a3.ID}}},
		{name: "after the first", unit: f.district, subtree: true, after: a1.Seq, limit: 500, want: []want{
			{n1.Seq, store.FeedReminder, n1.ID}, {n2.Seq, store.FeedNotice, n2.ID}, {a3.Seq, store.FeedAlert, a3.ID}}},
		{name: "limited", unit: f.district, subtree: true, limit: 2, want: []want{
			{a1.Seq, store.FeedAlert, a1.ID}, {n1.Seq, store.FeedReminder, n1.ID}}},
		{name: "limited after", unit: f.district, subtree: true, after: n1.Seq, limit: 1, want: []want{
			{n2.Seq, store.FeedNotice, n2.ID}}},
		{name: "caught up", unit: f.district, subtree: true, after: head, limit: 500, want: nil},
		{name: "ward", unit: f.ward, subtree: true, limit: 500, want: []want{
			{a1.Seq, store.FeedAlert, a1.ID}, {n2.Seq, store.FeedNotice, n2.ID}}},
		{name: "unknown unit", unit: uuid.NewString(), subtree: true, limit: 500, want: nil},
	}
	for _, tc := range tests {
		got, err := f.st.FeedSince(ctx, tc.unit, tc.subtree, nil, nil, tc.after, tc.limit)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		check(tc.name, got, tc.want)
	}

	// The items carry the full rows.
	got, err := f.st.FeedSince(ctx, f.ward, false, nil, nil, 0, 1)
	if err != nil || len(got) != 1 || got[0].Alert.TitleVI != "Cảnh báo" || got[0].Alert.UnitID != f.ward || got[0].Alert.Status != "open" {
		t.Fatalf("ward first item = %+v, %v", got, err)
	}
}

func TestFeedSinceReadsPagesToTheEnd(t *testing.T) {
	f := newFeedFixture(t)
	ctx := context.Background()
	var seqs []int64
	for i := range 7 {
		if i%2 == 0 {
			seqs = append(seqs, f.alert(t, f.ward).Seq)
		} else {
			seqs = append(seqs, f.notification(t, f.ward, "reminder").Seq)
		}
	}
	f.settle(t, seqs[len(seqs)-1])
	var got []int64
	after := int64(0)
	for {
		items, err := f.st.FeedSince(ctx, f.district, true, nil, nil, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			got = append(got, it.Seq)
			after = it.Seq
		}
		if len(items) < 3 {
			break
		}
	}
	if len(got) != len(seqs) {
		t.Fatalf("paged seqs %v, want %v", got, seqs)
	}
	for i := range seqs {
		if got[i] != seqs[i] {
			t.Fatalf("paged seqs %v, want %v", got, seqs)
		}
	}
}

// TestFeedSinceWaitsForTransactionsInFlight: a seq is drawn at INSERT but
// visible at COMMIT, so an alert committed after one still in flight must
// not be returned before it: a stream would otherwise move its
// Last-Event-ID past the first and never see it. Writers take no lock: the
// second commits at once, and is held back until the first ends.
func TestFeedSinceWaitsForTransactionsInFlight(t *testing.T) {
	f := newFeedFixture(t)
	ctx := context.Background()
	before := f.alert(t, f.ward)
	f.settle(t, before.Seq)

	// A writer with an uncommitted alert, as CloseSurvey has between its
	// notices and its commit.
	tx, err := f.st.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	id := uuid.NewString()
	first := &store.Alert{ID: id, DedupKey: "test/" + id, UnitID: f.ward, RecipientRole: "planner", Kind: "session_missed",
		TitleVI: "Cảnh báo", TitleEN: "Alert", BodyVI: "Nội dung", BodyEN: "Body", Status: "open"}
	if _, err := tx.NewInsert().Model(first).Returning("seq").Exec(ctx); err != nil {
		t.Fatalf("insert in transaction: %v", err)
	}
	// Another writer does not wait for it.
	second := f.alert(t, f.ward)
	if second.Seq <= first.Seq {
		t.Fatalf("the second writer got seq %d, not after %d", second.Seq, first.Seq)
	}
	items, held, err := f.st.FeedSinceHeld(ctx, f.district, true, nil, nil, before.Seq, 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 0 || !held {
		t.Fatalf("feed while the first writer is in flight = %+v, held %v; want nothing, and the second held", items, held)
	}
	if head, err := f.st.FeedHead(ctx); err != nil || head >= first.Seq {
		t.Fatalf("feed head %d (%v) while the first writer is in flight; want below its seq %d", head, err, first.Seq)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	f.settle(t, second.Seq)
	items, err = f.st.FeedSince(ctx, f.district, true, nil, nil, before.Seq, 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Alert.ID != first.ID || items[1].Alert.ID != second.ID {
		t.Fatalf("feed after commit = %+v; want the two alerts in order", items)
	}
}
