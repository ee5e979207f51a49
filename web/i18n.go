package web

import "fmt"

// messages are the page texts: key → {Vietnamese, English}, joined once
// from the catalogues in messages_vi.go and messages_en.go.
var messages = joinCatalogues(messagesVI, messagesEN)

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
