package kernel

import "github.com/arch2vec/arch2vec/kernel/wire"

// Request and reply contents. Fields that the spec wants as {} or [] are
// filled by the code that builds a reply, never left nil.

// executeContent is an execute_request. Pointer fields distinguish a
// missing key from false; their defaults are in (*executeContent).flags.
type executeContent struct {
	Code            string         `json:"code"`
	Silent          bool           `json:"silent"`
	StoreHistory    *bool          `json:"store_history"`
	UserExpressions map[string]any `json:"user_expressions"`
	AllowStdin      *bool          `json:"allow_stdin"`
	StopOnError     *bool          `json:"stop_on_error"`
}

func orTrue(b *bool) bool { return b == nil || *b }

// executeReply is an ok or aborted execute_reply.
type executeReply struct {
	Status          string           `json:"status"`
	ExecutionCount  int              `json:"execution_count"`
	UserExpressions map[string]any   `json:"user_expressions"`
	Payload         []map[string]any `json:"payload"`
}

// executeError is an execute_reply with status "error".
type executeError struct {
	Status         string   `json:"status"`
	ExecutionCount int      `json:"execution_count"`
	EName          string   `json:"ename"`
	EValue         string   `json:"evalue"`
	Traceback      []string `json:"traceback"`
}

// errorReply is the reply to any request that failed.
type errorReply struct {
	Status    string   `json:"status"`
	EName     string   `json:"ename"`
	EValue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

type codeCursor struct {
	Code      string `json:"code"`
	CursorPos *int   `json:"cursor_pos"`
	Detail    int    `json:"detail_level"`
}

type completeReply struct {
	Status      string         `json:"status"`
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"`
	CursorEnd   int            `json:"cursor_end"`
	Metadata    map[string]any `json:"metadata"`
}

type inspectReply struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

type isCompleteReply struct {
	Status string `json:"status"`
	Indent string `json:"indent,omitempty"`
}

type kernelInfoReply struct {
	Status                string       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	HelpLinks             []HelpLink   `json:"help_links"`
	Debugger              bool         `json:"debugger"`
}

type historyContent struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           *int   `json:"stop"`
	N              *int   `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

type historyReply struct {
	Status  string  `json:"status"`
	History [][]any `json:"history"`
}

type shutdownContent struct {
	Restart bool `json:"restart"`
}

type shutdownReply struct {
	Status  string `json:"status"`
	Restart bool   `json:"restart"`
}

type statusContent struct {
	ExecutionState string `json:"execution_state"`
}

type executeInput struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

type executeResult struct {
	ExecutionCount int            `json:"execution_count"`
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

type streamContent struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

type displayContent struct {
	Data      map[string]any `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient map[string]any `json:"transient"`
}

type inputRequest struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}

type inputReply struct {
	Value string `json:"value"`
}

type commContent struct {
	CommID     string `json:"comm_id"`
	TargetName string `json:"target_name,omitempty"`
}

type commClose struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}

// bundleMaps returns b's data and metadata, never nil.
func bundleMaps(b wire.MIMEBundle) (data, metadata map[string]any) {
	data, metadata = b.Data, b.Metadata
	if data == nil {
		data = map[string]any{}
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	return data, metadata
}

func orEmptyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
