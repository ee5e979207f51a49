package testenv

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Metrics is one read of a Prometheus /metrics endpoint (text
// exposition): series ("name{labels}") to value.
type Metrics map[string]float64

// Scrape reads the metrics at url, failing tb when it cannot.
func Scrape(tb testing.TB, url string) Metrics {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		tb.Fatalf("scrape %s: %d %s", url, resp.StatusCode, b)
	}
	m := Metrics{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			tb.Fatalf("scrape %s: bad line %q", url, line)
		}
		m[line[:i]] = v
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("scrape %s: %v", url, err)
	}
	return m
}

// values yields the values of the series of metric name whose labels
// include every one of labels (`key="value"`).
func (m Metrics) values(name string, labels ...string) []float64 {
	var out []float64
	for series, v := range m {
		n, rest, _ := strings.Cut(series, "{")
		if n != name {
			continue
		}
		match := true
		for _, l := range labels {
			if !strings.Contains(rest, l) {
				match = false
			}
		}
		if match {
			out = append(out, v)
		}
	}
	return out
}

// Sum adds the series of metric name whose labels include every one of
// labels; ok is false when there is none.
func (m Metrics) Sum(name string, labels ...string) (total float64, ok bool) {
	vs := m.values(name, labels...)
	for _, v := range vs {
		total += v
	}
	return total, len(vs) > 0
}

// Max is the largest value of the series of metric name (0 for none).
func (m Metrics) Max(name string) float64 {
	x := 0.0
	for _, v := range m.values(name) {
		x = max(x, v)
	}
	return x
}

// Has says whether any series of the metric family name (a counter's
// _total, a histogram's _bucket …) is there.
func (m Metrics) Has(name string) bool {
	for series := range m {
		n, _, _ := strings.Cut(series, "{")
		if n == name || strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_count"), "_sum") == name {
			return true
		}
	}
	return false
}
