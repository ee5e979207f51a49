// Package contract holds the HTTP API's request and response types, shared
// by api (which decodes requests into them and answers with them) and web
// (whose pages call the API in-process with them). api/openapi.yaml
// describes the same shapes; the field names here are the spec's.
//
// Responses embed the stored records of internal/store (plans, dialogues,
// tasks, units …), whose JSON is the API's; the live workflow states are
// passed through as the workflow reports them.
package contract
