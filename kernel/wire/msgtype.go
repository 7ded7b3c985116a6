package wire

// MsgType is the msg_type field of a message header. Protocol strings are
// typed constants so dispatch tables and tests cannot misspell them.
type MsgType string

// Shell and control requests and their replies.
const (
	ExecuteRequest    MsgType = "execute_request"
	ExecuteReply      MsgType = "execute_reply"
	InspectRequest    MsgType = "inspect_request"
	InspectReply      MsgType = "inspect_reply"
	CompleteRequest   MsgType = "complete_request"
	CompleteReply     MsgType = "complete_reply"
	HistoryRequest    MsgType = "history_request"
	HistoryReply      MsgType = "history_reply"
	IsCompleteRequest MsgType = "is_complete_request"
	IsCompleteReply   MsgType = "is_complete_reply"
	CommInfoRequest   MsgType = "comm_info_request"
	CommInfoReply     MsgType = "comm_info_reply"
	KernelInfoRequest MsgType = "kernel_info_request"
	KernelInfoReply   MsgType = "kernel_info_reply"
	ShutdownRequest   MsgType = "shutdown_request"
	ShutdownReply     MsgType = "shutdown_reply"
	InterruptRequest  MsgType = "interrupt_request"
	InterruptReply    MsgType = "interrupt_reply"
	ConnectRequest    MsgType = "connect_request"
	ConnectReply      MsgType = "connect_reply"
)

// Comm messages, sent by either side (widgets).
const (
	CommOpen  MsgType = "comm_open"
	CommMsg   MsgType = "comm_msg"
	CommClose MsgType = "comm_close"
)

// Stdin messages: the kernel asks, the client answers.
const (
	InputRequest MsgType = "input_request"
	InputReply   MsgType = "input_reply"
)

// IOPub messages, broadcast by the kernel.
const (
	Status            MsgType = "status"
	ExecuteInput      MsgType = "execute_input"
	ExecuteResult     MsgType = "execute_result"
	Stream            MsgType = "stream"
	DisplayData       MsgType = "display_data"
	UpdateDisplayData MsgType = "update_display_data"
	ClearOutput       MsgType = "clear_output"
	Error             MsgType = "error"
)

// ReplyType returns the reply type of a request type: "x_request" becomes
// "x_reply". Other types are returned with "_reply" appended.
func (t MsgType) ReplyType() MsgType {
	s := string(t)
	const suffix = "_request"
	if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
		return MsgType(s[:len(s)-len(suffix)] + "_reply")
	}
	return MsgType(s + "_reply")
}
