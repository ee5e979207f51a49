package web

import (
	"fmt"

	"github.com/doithoai/doithoai/internal/unitmap"
)

// messages are the page texts: key → {Vietnamese, English}, joined once
// from the catalogues in messages_vi.go and messages_en.go.
var messages = withUnitLabels(joinCatalogues(messagesVI, messagesEN))

// withUnitLabels adds the labels of the unit levels ("unit.level.<level>")
// and kinds ("unit.kind.<level>.<kind>"; the level's label for no kind)
// from internal/unitmap, their one home.
func withUnitLabels(m map[string][2]string) map[string][2]string {
	for _, l := range unitmap.Levels() {
		m["unit.level."+l.Name] = [2]string{l.LabelVI, l.LabelEN}
		m["unit.kind."+l.Name+"."] = [2]string{l.LabelVI, l.LabelEN}
		for _, k := range l.Kinds {
			m["unit.kind."+l.Name+"."+k.Name] = [2]string{k.LabelVI, k.LabelEN}
		}
	}
	return m
}

// joinCatalogues pairs each Vietnamese text with its English one; a key
// only in the English catalogue is a mistake and panics at start-up.
func joinCatalogues(vi, en map[string]string) map[string][2]string {
	out := make(map[string][2]string, len(vi))
	for k, v := range vi {
		out[k] = [2]string{v, en[k]}
	}
	for k := range en {
		if _, ok := vi[k]; !ok {
			panic("web: message " + k + " has no Vietnamese text")
		}
	}
	return out
}

// translate returns key's text in lang (Vietnamese unless "en"), with args
// formatted in; an unknown key shows as "!key" (a test keeps every key a
// template uses defined).
func translate(lang, key string, args ...any) string {
	m, ok := messages[key]
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
