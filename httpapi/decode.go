package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/meetd/meetd"
)

// MaxBodyBytes caps every request body.
const MaxBodyBytes = 1 << 20

var (
	errContentType = meetd.Errorf(meetd.EINVALID, "Content-Type must be application/json")
	errMalformed   = meetd.Errorf(meetd.EINVALID, "Malformed JSON body")
	errTooLarge    = meetd.Errorf(meetd.ETOOLARGE, "Request body too large")
)

// decodeJSON reads a JSON object body into dst. Unknown fields are ignored
// (as meetergo's whitelisting DTOs do); a wrong Content-Type, malformed JSON,
// trailing data or a body that is not an object is EINVALID, and so is text
// the input gate refuses (checkJSONText): every body meetd reads passes it.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if !isJSON(r.Header.Get("Content-Type")) {
		return errContentType
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return errMalformed
	}
	if len(body) == 0 || firstNonSpace(body) != '{' {
		return errMalformed
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	return unmarshalBody(body, dst)
}

// unmarshalBody decodes a JSON body: a field of the wrong type is a
// validation error naming it, anything else malformed.
func unmarshalBody(body []byte, dst any) error {
	if err := json.Unmarshal(body, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			var v meetd.Validation
			v.Add(te.Field, te.Field+" has the wrong type")
			return v.Err()
		}
		return errMalformed
	}
	return nil
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}
