package web

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A survey form trickled to /s/{token} is cut off at the public body
// deadline: the server ends the exchange while most of the form is still
// unsent, and the page never passes it on to the API.
func TestSurveyFormTrickledIsCutOff(t *testing.T) {
	var calls atomic.Int32
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"accepted":1,"duplicates":0}`)
	})
	srv := httptest.NewServer(secEngine(&Server{API: api, PublicBodyTimeout: time.Second}))
	defer srv.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	form := "field=%C4%90%E1%BA%A5t+%C4%91ai&content=" + strings.Repeat("x", 60)
	if _, err := io.WriteString(conn, "POST /s/"+strings.Repeat("a", 64)+" HTTP/1.1\r\nHost: doithoai.test\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "+strconv.Itoa(len(form))+"\r\n\r\n"+form[:1]); err != nil {
		t.Fatal(err)
	}
	ended := make(chan struct{})
	go func() {
		_, _ = io.ReadAll(conn)
		close(ended)
	}()
	sent := 1
	for ; sent < len(form); sent++ {
		select {
		case <-ended:
		case <-time.After(100 * time.Millisecond):
			if _, err := io.WriteString(conn, form[sent:sent+1]); err == nil {
				continue
			}
		}
		break
	}
	if sent == len(form) {
		t.Errorf("the server read all %d trickled bytes: no body deadline on the survey form", len(form))
		_ = conn.SetReadDeadline(time.Now().Add(time.Second)) // it may keep the connection
	} else {
		t.Logf("cut off after %d of %d bytes", sent, len(form))
	}
	<-ended
	if n := calls.Load(); n != 0 {
		t.Errorf("the page called the API %d times with a form it never fully read", n)
	}
}
