// The tests are in package activities_test, not activities: testenv (for
// the database) imports activities, which an in-package test cannot do.
package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.uber.org/zap/zaptest"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/notify/smtptest"
	"github.com/doithoai/doithoai/internal/store"
)

const hookSecret = "bí-mật-webhook"

// hookReceiver is a unit's webhook endpoint that fails its first failFirst
// calls with 500 and keeps every request it gets.
type hookReceiver struct {
	*httptest.Server
	failFirst int

	mu       sync.Mutex
	requests []hookRequest
}

type hookRequest struct {
	header http.Header
	body   []byte
	status int
}

func startHook(t *testing.T, failFirst int) *hookReceiver {
	h := &hookReceiver{failFirst: failFirst}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		status := http.StatusOK
		if len(h.requests) < h.failFirst {
			status = http.StatusInternalServerError
		}
		h.requests = append(h.requests, hookRequest{r.Header.Clone(), body, status})
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) succeeded() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []hookRequest
	for _, r := range h.requests {
		if r.status == http.StatusOK {
			out = append(out, r)
		}
	}
	return out
}

func (h *hookReceiver) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.requests)
}

// deliveryFixture is a unit with a webhook and e-mail contacts, and the
// activities wired to real channels.
type deliveryFixture struct {
	st      *store.Store
	acts    *activities.Activities
	unitID  string
	hook    *hookReceiver
	mailbox *smtptest.Server
}

func newDeliveryFixture(t *testing.T, hookFailures int) *deliveryFixture {
	t.Helper()
	st, _ := testenv.NewDatabase(t)
	ctx := context.Background()
	f := &deliveryFixture{st: st, unitID: uuid.NewString(), hook: startHook(t, hookFailures), mailbox: smtptest.Start(t)}
	if err := st.CreateUnit(ctx, &store.Unit{ID: f.unitID, Level: domain.LevelCommune, Name: "Phường Thượng Đình"}); err != nil {
		t.Fatal(err)
	}
	err := st.SetChannels(ctx, store.Channels{
		UnitID: f.unitID, WebhookURL: f.hook.URL + "/doithoai?token=t0k3n", WebhookSecret: hookSecret,
		Contacts: []store.Contact{
			{Role: domain.RoleMTTQ, Email: "mttq@thuongdinh.example", Name: "Ủy ban MTTQ phường"},
			{Role: domain.RolePlanner, Email: "danvan@thuongdinh.example"},
			{Role: domain.RoleOfficer, Email: "tnmt@thuongdinh.example"},
		},
	}, store.Event{})
	if err != nil {
		t.Fatal(err)
	}
	f.acts = &activities.Activities{
		Store: st, Logger: zaptest.NewLogger(t),
		Webhook: &notify.Webhook{},
		Mailer:  &notify.Mailer{Addr: f.mailbox.Addr(), From: "Đối thoại <noreply@doithoai.example>", TLS: notify.TLSNone, Timeout: 10 * time.Second},
	}
	return f
}

func TestDeliverAlertRetriesOnlyFailedTargets(t *testing.T) {
	f := newDeliveryFixture(t, 1)
	ctx := context.Background()
	al := &store.Alert{
		ID: uuid.NewString(), DedupKey: "test/deliver/" + uuid.NewString(), UnitID: f.unitID, RecipientRole: domain.RoleMTTQ,
		Kind: domain.AlertTaskOverdue, Level: 3,
		TitleVI: "Nhiệm vụ quá hạn: Khắc phục ngập úng đường Nguyễn Trãi", TitleEN: "Task overdue: flooding on Nguyen Trai street",
		BodyVI: "Đề nghị Ủy ban MTTQ phường giám sát việc khắc phục ngập úng.", BodyEN: "MTTQ is asked to supervise the flood works.",
	}
	if created, err := f.st.RaiseAlert(ctx, al); err != nil || !created {
		t.Fatalf("RaiseAlert = %v, %v", created, err)
	}
	in := activities.DeliverInput{ItemKind: activities.DeliverItemAlert, ItemID: al.ID}

	// 1: the webhook answers 500, the e-mail goes out.
	res, err := f.acts.Deliver(ctx, in)
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("first Deliver error = %v, want the webhook's 500", err)
	}
	if strings.Contains(err.Error(), "t0k3n") {
		t.Errorf("error shows the webhook URL's token: %v", err)
	}
	if want := (activities.DeliverResult{Sent: 1}); res != want {
		t.Errorf("first Deliver = %+v, want %+v", res, want)
	}
	if n := len(f.mailbox.Messages()); n != 1 {
		t.Fatalf("after the first call the mailbox has %d messages, want 1", n)
	}

	// 2: only the webhook is tried again.
	res, err = f.acts.Deliver(ctx, in)
	if err != nil {
		t.Fatalf("second Deliver: %v", err)
	}
	if want := (activities.DeliverResult{Sent: 1, Skipped: 1}); res != want {
		t.Errorf("second Deliver = %+v, want %+v", res, want)
	}

	// 3: nothing left to send.
	res, err = f.acts.Deliver(ctx, in)
	if err != nil {
		t.Fatalf("third Deliver: %v", err)
	}
	if want := (activities.DeliverResult{Skipped: 2}); res != want {
		t.Errorf("third Deliver = %+v, want %+v", res, want)
	}

	// The attempts, in order.
	ds, err := f.st.ListDeliveries(ctx, activities.DeliverItemAlert, al.ID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		channel, target string
		ok              bool
		status          int
	}
	var got []row
	for _, d := range ds {
		r := row{d.Channel, d.Target, d.OK, 0}
		if d.HTTPStatus != nil {
			r.status = *d.HTTPStatus
		}
		if d.Attempt != 1 {
			t.Errorf("delivery %d: attempt %d outside an activity, want 1", d.ID, d.Attempt)
		}
		if d.OK != (d.Error == "") {
			t.Errorf("delivery %d: ok %v with error %q", d.ID, d.OK, d.Error)
		}
		got = append(got, r)
	}
	hookURL := f.hook.URL + "/doithoai?token=t0k3n"
	want := []row{
		{"webhook", hookURL, false, 500},
		{"email", "mttq@thuongdinh.example", true, 0},
		{"webhook", hookURL, true, 200},
	}
	if !slices.Equal(got, want) {
		t.Errorf("deliveries =\n%+v\nwant\n%+v", got, want)
	}

	// The receiver got two requests, one of them a success whose signature
	// verifies and whose body is the alert.
	if n := f.hook.count(); n != 2 {
		t.Errorf("webhook got %d requests, want 2", n)
	}
	ok := f.hook.succeeded()
	if len(ok) != 1 {
		t.Fatalf("webhook got %d successful requests, want 1", len(ok))
	}
	if err := notify.Verify(hookSecret, ok[0].header, ok[0].body, time.Now(), 5*time.Minute); err != nil {
		t.Errorf("signature: %v", err)
	}
	if id := ok[0].header.Get(notify.HeaderDelivery); id != al.ID {
		t.Errorf("delivery header = %q, want the alert id %s", id, al.ID)
	}
	var ev notify.Event
	if err := json.Unmarshal(ok[0].body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != notify.TypeAlert || ev.ID != al.ID || ev.Title != al.TitleVI || ev.RecipientRole != domain.RoleMTTQ || ev.Level != 3 || ev.Seq == 0 || ev.CreatedAt.IsZero() {
		t.Errorf("webhook event = %+v", ev)
	}

	// The mailbox holds one message, to the MTTQ contact only.
	msgs := f.mailbox.Messages()
	if len(msgs) != 1 {
		t.Fatalf("mailbox has %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if !slices.Equal(m.To, []string{"mttq@thuongdinh.example"}) || m.From != "noreply@doithoai.example" {
		t.Errorf("envelope %s -> %v", m.From, m.To)
	}
	if m.Subject != "[Cảnh báo] "+al.TitleVI {
		t.Errorf("subject = %q", m.Subject)
	}
	if !strings.Contains(m.Body, al.BodyVI) || !strings.Contains(m.Body, al.BodyEN) {
		t.Errorf("body lacks the alert's text:\n%s", m.Body)
	}
}

func TestDeliverNotifications(t *testing.T) {
	f := newDeliveryFixture(t, 0)
	ctx := context.Background()
	save := func(kind, recipient string) string {
		t.Helper()
		n := &store.Notification{
			ID: uuid.NewString(), DedupKey: "test/notice/" + uuid.NewString(), UnitID: f.unitID, Recipient: recipient, Channel: "inbox", Kind: kind,
			SubjectVI: "Nhắc hạn xử lý nhiệm vụ", SubjectEN: "Task deadline reminder", BodyVI: "Còn 2 ngày làm việc.", BodyEN: "2 working days left.",
		}
		if created, err := f.st.SaveNotification(ctx, n); err != nil || !created {
			t.Fatalf("SaveNotification = %v, %v", created, err)
		}
		return n.ID
	}
	tests := []struct {
		name      string
		kind      string
		recipient string
		wantMail  []string
		subject   string
	}{
		{"reminder goes to the officers", "reminder", "Phòng TN-MT", []string{"tnmt@thuongdinh.example"}, "[Nhắc việc] Nhắc hạn xử lý nhiệm vụ"},
		{"notice to an e-mail address", "notice", "Chủ tịch UBND <chutich@thuongdinh.example>", []string{"chutich@thuongdinh.example"}, "[Thông báo] Nhắc hạn xử lý nhiệm vụ"},
		{"notice to a name: webhook only", "notice", "Đồng chí Bí thư", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.mailbox.Messages())
			id := save(tt.kind, tt.recipient)
			res, err := f.acts.Deliver(ctx, activities.DeliverInput{ItemKind: activities.DeliverItemNotification, ItemID: id})
			if err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			if want := (activities.DeliverResult{Sent: 1 + len(tt.wantMail)}); res != want {
				t.Errorf("Deliver = %+v, want %+v", res, want)
			}
			msgs := f.mailbox.Messages()[before:]
			var to []string
			for _, m := range msgs {
				to = append(to, m.To...)
				if m.Subject != tt.subject {
					t.Errorf("subject = %q, want %q", m.Subject, tt.subject)
				}
			}
			if !slices.Equal(to, tt.wantMail) {
				t.Errorf("mailed to %v, want %v", to, tt.wantMail)
			}
			last := f.hook.succeeded()
			var ev notify.Event
			if err := json.Unmarshal(last[len(last)-1].body, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.ID != id || ev.Type != tt.kind || ev.Recipient != tt.recipient {
				t.Errorf("webhook event = %+v", ev)
			}
		})
	}
}

func TestDeliverWithoutChannels(t *testing.T) {
	f := newDeliveryFixture(t, 0)
	ctx := context.Background()
	al := &store.Alert{ID: uuid.NewString(), DedupKey: "test/off/" + uuid.NewString(), UnitID: f.unitID, RecipientRole: domain.RoleMTTQ,
		Kind: domain.AlertSessionMissed, TitleVI: "t", TitleEN: "t", BodyVI: "b", BodyEN: "b"}
	if _, err := f.st.RaiseAlert(ctx, al); err != nil {
		t.Fatal(err)
	}
	in := activities.DeliverInput{ItemKind: activities.DeliverItemAlert, ItemID: al.ID}

	off := &activities.Activities{Store: f.st, Logger: zaptest.NewLogger(t)}
	if res, err := off.Deliver(ctx, in); err != nil || res != (activities.DeliverResult{}) {
		t.Errorf("channels off: Deliver = %+v, %v; want zero counts", res, err)
	}
	// A unit with neither a webhook nor contacts.
	if err := f.st.SetChannels(ctx, store.Channels{UnitID: f.unitID}, store.Event{}); err != nil {
		t.Fatal(err)
	}
	if res, err := f.acts.Deliver(ctx, in); err != nil || res != (activities.DeliverResult{}) {
		t.Errorf("nothing configured: Deliver = %+v, %v; want zero counts", res, err)
	}
	if f.hook.count() != 0 || len(f.mailbox.Messages()) != 0 {
		t.Errorf("something was sent: %d webhook calls, %d mails", f.hook.count(), len(f.mailbox.Messages()))
	}
}

func TestDeliverBadInputIsNotRetried(t *testing.T) {
	f := newDeliveryFixture(t, 0)
	ctx := context.Background()
	for _, in := range []activities.DeliverInput{
		{ItemKind: "task", ItemID: uuid.NewString()},
		{ItemKind: activities.DeliverItemAlert, ItemID: uuid.NewString()},
		{ItemKind: activities.DeliverItemNotification, ItemID: uuid.NewString()},
	} {
		_, err := f.acts.Deliver(ctx, in)
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || !appErr.NonRetryable() {
			t.Errorf("Deliver(%+v) = %v, want a non-retryable error", in, err)
		}
	}
}

func TestDeliverInActivityEnvironment(t *testing.T) {
	f := newDeliveryFixture(t, 0)
	ctx := context.Background()
	al := &store.Alert{ID: uuid.NewString(), DedupKey: "test/env/" + uuid.NewString(), UnitID: f.unitID, RecipientRole: domain.RolePlanner,
		Kind: domain.AlertSessionMissed, Level: 1, TitleVI: "Chưa ghi nhận kết quả hội nghị", TitleEN: "Session not recorded", BodyVI: "b", BodyEN: "b"}
	if _, err := f.st.RaiseAlert(ctx, al); err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(f.acts)
	val, err := env.ExecuteActivity(f.acts.Deliver, activities.DeliverInput{ItemKind: activities.DeliverItemAlert, ItemID: al.ID})
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	var res activities.DeliverResult
	if err := val.Get(&res); err != nil {
		t.Fatal(err)
	}
	if want := (activities.DeliverResult{Sent: 2}); res != want {
		t.Errorf("Deliver = %+v, want %+v", res, want)
	}
	ds, err := f.st.ListDeliveries(ctx, activities.DeliverItemAlert, al.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Attempt < 1 || ds[1].Attempt < 1 {
		t.Errorf("deliveries = %+v, want 2 with an attempt number", ds)
	}
	if m := f.mailbox.Messages(); len(m) != 1 || !slices.Equal(m[0].To, []string{"danvan@thuongdinh.example"}) {
		t.Errorf("mailbox = %+v, want one mail to the planner", m)
	}
}
