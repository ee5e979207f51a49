package notify_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/notify/smtptest"
	"github.com/doithoai/doithoai/internal/store"
)

func TestMailerSendsVietnameseThroughRealSMTP(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RequireAuth("doithoai", "mật khẩu")
	m := &notify.Mailer{Addr: srv.Addr(), From: "Hệ thống Đối thoại <noreply@doithoai.example>", Username: "doithoai", Password: "mật khẩu", TLS: notify.TLSNone}

	task := "7d1f9a2e-0c3b-4c1e-8e55-6a1d2b3c4d5e"
	e := notify.EventFromAlert(&store.Alert{
		ID: "0b8e6c1e-4f7a-4e59-9d8e-2f1f6b1c9a01", Kind: "task_overdue", Level: 2, RecipientRole: "mttq", TaskID: &task,
		TitleVI: "Nhiệm vụ quá hạn: Giải quyết ngập úng đường Nguyễn Trãi, phường Thượng Đình — đề nghị Ủy ban MTTQ giám sát",
		TitleEN: "Task overdue: flooding on Nguyen Trai street",
		BodyVI:  "Kính gửi Ủy ban MTTQ phường,\nNhiệm vụ \"Giải quyết ngập úng\" đã quá hạn 3 ngày làm việc.   \nĐề nghị đôn đốc.=?utf-8?q?x?=\n.\n..dòng bắt đầu bằng dấu chấm",
		BodyEN:  "The task is 3 working days overdue.",
	})
	subject, body := notify.MailFor(e)
	if !strings.HasPrefix(subject, "[Cảnh báo] Nhiệm vụ quá hạn") {
		t.Fatalf("subject = %q", subject)
	}
	to := []string{"mttq@phuong.example", "Trần Thị Bình <binh@phuong.example>"}
	if err := m.Send(context.Background(), to, subject, body); err != nil {
		t.Fatalf("Send: %v", err)
	}

	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "noreply@doithoai.example" {
		t.Errorf("envelope from = %q", got.From)
	}
	if want := []string{"mttq@phuong.example", "binh@phuong.example"}; !slices.Equal(got.To, want) {
		t.Errorf("envelope to = %q, want %q", got.To, want)
	}
	if got.AuthUser != "doithoai" {
		t.Errorf("authenticated as %q, want doithoai", got.AuthUser)
	}
	if got.Subject != subject {
		t.Errorf("decoded subject = %q, want %q", got.Subject, subject)
	}
	if got.Body != body {
		t.Errorf("decoded body =\n%q\nwant\n%q", got.Body, body)
	}
	for k, want := range map[string]string{
		"Content-Type":              "text/plain; charset=UTF-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"MIME-Version":              "1.0",
	} {
		if v := got.Header.Get(k); v != want {
			t.Errorf("header %s = %q, want %q", k, v, want)
		}
	}
	for _, k := range []string{"Date", "Message-ID", "From", "To"} {
		if got.Header.Get(k) == "" {
			t.Errorf("header %s missing", k)
		}
	}
	if !strings.Contains(string(got.Raw), "?=\r\n =?") {
		t.Errorf("long subject is not folded:\n%s", got.Raw)
	}
	for _, w := range strings.Fields(got.Header.Get("Subject")) {
		if len(w) > 75 {
			t.Errorf("encoded word longer than 75 characters: %q", w)
		}
	}
	if _, err := got.Header.Date(); err != nil {
		t.Errorf("Date header: %v", err)
	}
	if addrs, err := got.Header.AddressList("To"); err != nil || len(addrs) != 2 || addrs[1].Name != "Trần Thị Bình" {
		t.Errorf("To header = %v, %v", addrs, err)
	}
	if from, err := got.Header.AddressList("From"); err != nil || from[0].Name != "Hệ thống Đối thoại" {
		t.Errorf("From header = %v, %v", from, err)
	}
	// Only 7-bit text on the wire, no line longer than RFC 5322 allows, and
	// the long subject folded into encoded words of at most 75 characters.
	for i, line := range strings.Split(string(got.Raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("raw line %d is %d characters long: %q", i, len(line), line)
		}
		for _, c := range []byte(line) {
			if c >= 0x80 {
				t.Fatalf("raw line %d has a non-ASCII byte: %q", i, line)
			}
		}
	}
}

func TestMailerErrors(t *testing.T) {
	srv := smtptest.Start(t)
	ctx := context.Background()
	m := &notify.Mailer{Addr: srv.Addr(), From: "noreply@doithoai.example"}

	srv.FailNext(1)
	if err := m.Send(ctx, []string{"a@example.org"}, "Thử", "Nội dung"); err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("refused message: Send = %v, want the server's 451", err)
	}
	if err := m.Send(ctx, []string{"a@example.org"}, "Thử", "Nội dung"); err != nil {
		t.Errorf("after the failure: Send = %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server kept %d messages, want 1", n)
	}

	if err := m.Send(ctx, nil, "s", "b"); err == nil {
		t.Error("no recipients: Send succeeded")
	}
	if err := m.Send(ctx, []string{"not an address"}, "s", "b"); err == nil {
		t.Error("bad recipient: Send succeeded")
	}
	if err := (&notify.Mailer{Addr: srv.Addr(), From: "x@y.z", TLS: "ssl"}).Send(ctx, []string{"a@example.org"}, "s", "b"); err == nil {
		t.Error("unknown TLS mode: Send succeeded")
	}
	if err := (&notify.Mailer{Addr: srv.Addr(), From: "x@y.z", TLS: notify.TLSStartTLS}).Send(ctx, []string{"a@example.org"}, "s", "b"); err == nil {
		t.Error("starttls against a server without it: Send succeeded")
	}
	srv.RequireAuth("u", "right")
	if err := (&notify.Mailer{Addr: srv.Addr(), From: "x@y.z", Username: "u", Password: "wrong"}).Send(ctx, []string{"a@example.org"}, "s", "b"); err == nil {
		t.Error("wrong password: Send succeeded")
	}
	if err := m.Send(ctx, []string{"a@example.org"}, "s", "b"); err == nil {
		t.Error("no credentials where required: Send succeeded")
	}
}

func TestMailerHonoursContext(t *testing.T) {
	// A server that accepts the connection and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	m := &notify.Mailer{Addr: ln.Addr().String(), From: "x@y.z"}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = m.Send(ctx, []string{"a@example.org"}, "s", "b")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: Send = %v, want it to wrap context.DeadlineExceeded", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("Send took %s despite the deadline", time.Since(start))
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if err := m.Send(ctx, []string{"a@example.org"}, "s", "b"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: Send = %v, want it to wrap context.Canceled", err)
	}

	short := &notify.Mailer{Addr: ln.Addr().String(), From: "x@y.z", Timeout: 100 * time.Millisecond}
	if err := short.Send(context.Background(), []string{"a@example.org"}, "s", "b"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Timeout: Send = %v, want it to wrap context.DeadlineExceeded", err)
	}
}
