package api

import (
	"slices"
	"testing"

	"github.com/doithoai/doithoai/internal/lifecycle"
)

// TestRecipientEnumMatchesTable: the spec's recipient enum is the
// lifecycle table's kinds, in its order.
func TestRecipientEnumMatchesTable(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	ref := doc.Components.Schemas["EscalationRequest"]
	if ref == nil || ref.Value == nil || ref.Value.Properties["recipients"] == nil {
		t.Fatal("EscalationRequest.recipients is missing from openapi.yaml")
	}
	items := ref.Value.Properties["recipients"].Value.Items.Value
	var enum []string
	for _, v := range items.Enum {
		s, _ := v.(string)
		enum = append(enum, s)
	}
	if want := lifecycle.RecipientNames(); !slices.Equal(enum, want) {
		t.Errorf("openapi.yaml recipient enum %v, lifecycle table %v", enum, want)
	}
}

// TestLifecycleMessagesMatchAPI: a code means the same words whether the
// API or the lifecycle rules report it.
func TestLifecycleMessagesMatchAPI(t *testing.T) {
	for code, m := range lifecycle.GenericMessages() {
		if api, ok := fieldMessages[code]; !ok || api != m {
			t.Errorf("code %s: lifecycle %q, API %q", code, m, api)
		}
	}
}
