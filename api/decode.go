package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/store"
)

// decodeJSON reads the request body into dst strictly: JSON only, no
// unknown fields, no trailing data, right types. Every failure is a 4xx
// with the field at fault.
func decodeJSON(c *gin.Context, dst any) error {
	if err := checkJSONContentType(c); err != nil {
		return err
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return newError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
				fmt.Sprintf("Nội dung yêu cầu vượt quá %d byte.", tooLarge.Limit), fmt.Sprintf("The request body exceeds %d bytes.", tooLarge.Limit))
		}
		return newError(http.StatusBadRequest, CodeMalformedJSON, "Không đọc được nội dung yêu cầu.", "Could not read the request body.")
	}
	return decodeBytes(body, dst)
}

func decodeBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return newError(http.StatusBadRequest, CodeMalformedJSON, "Thiếu nội dung JSON.", "The JSON body is missing.")
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return newError(http.StatusBadRequest, CodeMalformedJSON, "Có dữ liệu thừa sau đối tượng JSON.", "Unexpected data after the JSON value.")
	}
	return nil
}

func jsonError(err error) error {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &syntaxErr):
		return newError(http.StatusBadRequest, CodeMalformedJSON,
			fmt.Sprintf("JSON sai cú pháp tại vị trí %d.", syntaxErr.Offset), fmt.Sprintf("Malformed JSON at offset %d.", syntaxErr.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newError(http.StatusBadRequest, CodeMalformedJSON, "JSON bị cắt cụt.", "The JSON body ends unexpectedly.")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "(body)"
		}
		return validationError(fieldErrorMsg(field, "invalid_type",
			fmt.Sprintf("Kiểu dữ liệu không đúng: cần %s, nhận được %s.", typeName(typeErr.Type.String()), typeErr.Value),
			fmt.Sprintf("Wrong type: expected %s, got %s.", typeName(typeErr.Type.String()), typeErr.Value)))
	case errors.As(err, &timeErr):
		return validationError(fieldError("(date-time)", "invalid_datetime"))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return validationError(fieldError(name, "unknown_field"))
	}
	var fe *contract.FieldError
	if errors.As(err, &fe) {
		return validationError(*fe)
	}
	return newError(http.StatusBadRequest, CodeMalformedJSON, "JSON không hợp lệ: "+err.Error(), "Invalid JSON: "+err.Error())
}

func typeName(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "integer"
	case strings.Contains(goType, "float"):
		return "number"
	case goType == "string" || goType == "contract.Timestamp" || goType == "contract.Duration":
		return "string"
	case goType == "bool":
		return "boolean"
	case strings.HasPrefix(goType, "[]"):
		return "array"
	default:
		return "object"
	}
}

// checkTimestamp appends the field error for a missing or malformed timestamp.
func checkTimestamp(t contract.Timestamp, field string, required bool, errs *[]contract.FieldError) bool {
	switch {
	case !t.Set && required:
		*errs = append(*errs, fieldError(field, "required"))
		return false
	case t.Set && !t.Valid:
		*errs = append(*errs, fieldError(field, "invalid_datetime"))
		return false
	}
	return t.Valid
}

// pagination reads limit and offset query parameters.
func pagination(c *gin.Context) (limit, offset int, err error) {
	limit, offset = 50, 0
	var errs []contract.FieldError
	if v := c.Query("limit"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < 1 || n > 500 {
			errs = append(errs, fieldErrorMsg("limit", "out_of_range", "limit phải từ 1 đến 500.", "limit must be between 1 and 500."))
		} else {
			limit = n
		}
	}
	if v := c.Query("offset"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < 0 {
			errs = append(errs, fieldErrorMsg("offset", "out_of_range", "offset phải là số nguyên không âm.", "offset must be a non-negative integer."))
		} else {
			offset = n
		}
	}
	if len(errs) > 0 {
		return 0, 0, validationError(errs...)
	}
	return limit, offset, nil
}

// uuidParam reads a path parameter that must be a UUID; a malformed one is
// a 404 (no such resource), not a 500.
func uuidParam(c *gin.Context, name, whatVI, whatEN string) (string, error) {
	v := c.Param(name)
	id, err := uuid.Parse(v)
	if err != nil {
		return "", notFoundError(whatVI, whatEN)
	}
	return id.String(), nil
}

// uuidQuery reads an optional query parameter that must be a UUID.
func uuidQuery(c *gin.Context, name string, errs *[]contract.FieldError) string {
	v := c.Query(name)
	if v == "" {
		return ""
	}
	id, err := uuid.Parse(v)
	if err != nil {
		*errs = append(*errs, fieldError(name, "invalid_id"))
		return ""
	}
	return id.String()
}

var typeOfString = reflect.TypeOf("")

// subtreeParam reads the optional boolean subtree query parameter; it
// defaults to true: supervisors see their unit and the units below it.
func subtreeParam(c *gin.Context, errs *[]contract.FieldError) bool {
	v := c.Query("subtree")
	if v == "" {
		return true
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		*errs = append(*errs, fieldError("subtree", "invalid_boolean"))
		return true
	}
	return b
}

// checkJSONContentType refuses bodies declared as anything but JSON.
func checkJSONContentType(c *gin.Context) error {
	ct := c.GetHeader("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return newError(http.StatusUnsupportedMediaType, CodeUnsupportedMedia,
			"Nội dung phải ở dạng JSON (Content-Type: application/json).", "The body must be JSON (Content-Type: application/json).")
	}
	return nil
}

// loadByID reads the resource named by the :id path parameter with get,
// answering 404 (with whatVI / whatEN in the message) for a malformed or
// unknown id; it reports whether the handler may go on.
func loadByID[T any](c *gin.Context, whatVI, whatEN string, get func(context.Context, string) (*T, error)) (*T, bool) {
	id, err := uuidParam(c, "id", whatVI, whatEN)
	if err != nil {
		abort(c, err)
		return nil, false
	}
	v, err := get(c.Request.Context(), id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = notFoundError(whatVI, whatEN)
		}
		abort(c, err)
		return nil, false
	}
	return v, true
}
