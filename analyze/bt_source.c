// SPDX-License-Identifier: GPL-2.0-only
/*
 * libbabeltrace2 graph src.ctf.fs (one per trace) -> flt.utils.muxer -> simple sink, and
 * the struct crosslat_record view of its event messages.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <babeltrace2/babeltrace.h>

#include "bt_source.h"
#include "record.h"

#define PROG		"crosslat-analyze"
#define LOG_LEVEL	BT_LOGGING_LEVEL_WARNING

/* What a trace's streams said of its CLOCK_MONOTONIC offset so far. */
enum clock_state {
	CLOCK_NOT_SEEN,
	CLOCK_KNOWN,		/* crosslat_trace_info.mono_offset_ns */
	CLOCK_UNKNOWN,		/* another clock, or streams that disagree */
};

/* A trace object of the graph (referenced) and the index of the directory it came from. */
struct seen_trace {
	const bt_trace *trace;
	uint32_t idx;
};

struct crosslat_bt_source {
	bt_graph *graph;
	const bt_plugin *ctf, *utils;
	struct crosslat_trace_info *traces;	/* one per directory */
	uint8_t *clock_state;			/* enum clock_state, one per directory */
	size_t nr_traces;
	struct seen_trace *seen;
	size_t nr_seen, cap_seen;
	const bt_trace *last_trace;	/* one of seen[], i.e. referenced; is traces[last_idx] */
	uint32_t last_idx;
	crosslat_record_fn fn;
	void *arg;
	int fn_err;		/* fn's error that stopped the graph */
	bool ran;
};

/* Prints what babeltrace2 recorded as the causes of its last failure, and clears them. */
static void print_bt_error(const char *what)
{
	const bt_error *err = bt_current_thread_take_error();
	uint64_t i, n;

	fprintf(stderr, PROG ": %s\n", what);
	if (!err)
		return;
	n = bt_error_get_cause_count(err);
	for (i = 0; i < n; i++) {
		const bt_error_cause *c = bt_error_borrow_cause_by_index(err, i);

		fprintf(stderr, "  %s: %s\n", bt_error_cause_get_module_name(c),
			bt_error_cause_get_message(c));
	}
	bt_error_release(err);
}

/* The structures a record's fields are looked up in, in order (NULL: absent). */
struct event_fields {
	const bt_field *scope[3];	/* payload, specific context, common context */
};

static const bt_field *member(const void *fields, const char *name)
{
	const struct event_fields *ef = fields;
	const bt_field *f;
	size_t i;

	for (i = 0; i < sizeof(ef->scope) / sizeof(ef->scope[0]); i++) {
		if (!ef->scope[i])
			continue;
		f = bt_field_structure_borrow_member_field_by_name_const(ef->scope[i], name);
		if (f)
			return f;
	}
	return NULL;
}

static int field_u64(const void *fields, const char *name, uint64_t *v)
{
	const bt_field *f = member(fields, name);
	bt_field_class_type t;

	if (!f)
		return -ENOENT;
	t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER)) {
		*v = bt_field_integer_unsigned_get_value(f);
		return 0;
	}
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER)) {
		int64_t s = bt_field_integer_signed_get_value(f);

		if (s < 0)
			return -EINVAL;
		*v = s;
		return 0;
	}
	if (t == BT_FIELD_CLASS_TYPE_BOOL) {
		*v = bt_field_bool_get_value(f);
		return 0;
	}
	return -EINVAL;
}

static int field_s64(const void *fields, const char *name, int64_t *v)
{
	const bt_field *f = member(fields, name);
	bt_field_class_type t;

	if (!f)
		return -ENOENT;
	t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER)) {
		*v = bt_field_integer_signed_get_value(f);
		return 0;
	}
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER)) {
		uint64_t u = bt_field_integer_unsigned_get_value(f);

		if (u > INT64_MAX)
			return -EINVAL;
		*v = (int64_t)u;
		return 0;
	}
	return -EINVAL;
}

static int field_str(const void *fields, const char *name, const char **s)
{
	const bt_field *f = member(fields, name);

	if (!f)
		return -ENOENT;
	if (bt_field_get_class_type(f) != BT_FIELD_CLASS_TYPE_STRING)
		return -EINVAL;
	/*
	 * babeltrace2 2.0.4 recycles string fields and, for an empty one (e.g. an all-NUL
	 * ctf_array_text), sets the length to 0 but leaves the old text in place: trust the
	 * length (its own text output shows the stale text).
	 */
	*s = bt_field_string_get_length(f) ? bt_field_string_get_value(f) : "";
	return 0;
}

static int field_bytes(const void *fields, const char *name, uint8_t *buf, size_t cap,
		       size_t *len)
{
	const bt_field *f = member(fields, name);
	bt_field_class_type t;
	uint64_t i, n;

	if (!f)
		return -ENOENT;
	t = bt_field_get_class_type(f);
	if (t == BT_FIELD_CLASS_TYPE_STRING) {
		/* CTF arrays of text (ctf_array_text) are decoded as strings; see field_str(). */
		n = bt_field_string_get_length(f);
		memcpy(buf, bt_field_string_get_value(f), n < cap ? n : cap);
		*len = n;
		return 0;
	}
	if (!bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ARRAY))
		return -EINVAL;
	n = bt_field_array_get_length(f);
	for (i = 0; i < n; i++) {
		const bt_field *e = bt_field_array_borrow_element_field_by_index_const(f, i);
		uint64_t v;

		if (!bt_field_class_type_is(bt_field_get_class_type(e),
					    BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
			return -EINVAL;
		v = bt_field_integer_unsigned_get_value(e);
		if (v > UINT8_MAX)
			return -EINVAL;
		if (i < cap)
			buf[i] = v;
	}
	*len = n;
	return 0;
}

static int field_u64s(const void *fields, const char *name, uint64_t *buf, size_t cap,
		      size_t *len)
{
	const bt_field *f = member(fields, name);
	uint64_t i, n;

	if (!f)
		return -ENOENT;
	if (!bt_field_class_type_is(bt_field_get_class_type(f), BT_FIELD_CLASS_TYPE_ARRAY))
		return -EINVAL;
	n = bt_field_array_get_length(f);
	for (i = 0; i < n; i++) {
		const bt_field *e = bt_field_array_borrow_element_field_by_index_const(f, i);

		if (!bt_field_class_type_is(bt_field_get_class_type(e),
					    BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
			return -EINVAL;
		if (i < cap)
			buf[i] = bt_field_integer_unsigned_get_value(e);
	}
	*len = n;
	return 0;
}

static const struct crosslat_record_ops bt_record_ops = {
	.u64	= field_u64,
	.s64	= field_s64,
	.str	= field_str,
	.bytes	= field_bytes,
	.u64s	= field_u64s,
};

/* A string entry of the trace's environment, copied, or NULL. */
static char *env_string(const bt_trace *trace, const char *name)
{
	const bt_value *v = bt_trace_borrow_environment_entry_value_by_name_const(trace, name);

	if (!v || bt_value_get_type(v) != BT_VALUE_TYPE_STRING)
		return NULL;
	return strdup(bt_value_string_get(v));
}

/*
 * The directory index a trace's name holds: src.ctf.fs names its trace after our
 * "trace-name" parameter, the index in decimal, prefixed with "HOSTNAME/" when the trace's
 * environment has a hostname. -1 when the name is not one of ours.
 */
static int64_t name_index(const char *name, size_t nr_traces)
{
	const char *digits;
	unsigned long long v;
	char *end;

	if (!name)
		return -1;
	digits = strrchr(name, '/');
	digits = digits ? digits + 1 : name;
	if (*digits < '0' || *digits > '9')
		return -1;
	errno = 0;
	v = strtoull(digits, &end, 10);
	if (*end || errno || v >= nr_traces)
		return -1;
	return (int64_t)v;
}

/* Index of the directory stream was read from; -ENOMEM. */
static int64_t trace_of(struct crosslat_bt_source *src, const bt_stream *stream)
{
	const bt_trace *trace;
	size_t i;
	uint32_t idx = 0;

	trace = bt_stream_borrow_trace_const(stream);
	if (trace == src->last_trace)
		return src->last_idx;
	for (i = 0; i < src->nr_seen; i++)
		if (src->seen[i].trace == trace)
			break;
	if (i < src->nr_seen) {
		idx = src->seen[i].idx;
	} else {
		int64_t named = name_index(bt_trace_get_name(trace), src->nr_traces);
		struct crosslat_trace_info *info;

		/* Not ours cannot happen: every component gets a trace-name; count it as 0. */
		idx = named < 0 ? 0 : (uint32_t)named;
		if (src->nr_seen == src->cap_seen) {
			size_t cap = src->cap_seen ? src->cap_seen * 2 : 8;
			struct seen_trace *v = realloc(src->seen, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			src->seen = v;
			src->cap_seen = cap;
		}
		/* Held, so that no other trace can get this address during the run. */
		bt_trace_get_ref(trace);
		src->seen[src->nr_seen].trace = trace;
		src->seen[src->nr_seen].idx = idx;
		src->nr_seen++;
		info = &src->traces[idx];
		if (!info->hostname)
			info->hostname = env_string(trace, "hostname");
		if (!info->domain)
			info->domain = env_string(trace, "domain");
	}
	src->last_trace = trace;
	src->last_idx = idx;
	return idx;
}

/* f when it is a structure, else NULL. */
static const bt_field *structure(const bt_field *f)
{
	return f && bt_field_get_class_type(f) == BT_FIELD_CLASS_TYPE_STRUCTURE ? f : NULL;
}

static int on_event(struct crosslat_bt_source *src, const bt_message *msg)
{
	const bt_event *ev = bt_message_event_borrow_event_const(msg);
	struct event_fields fields = { {
		structure(bt_event_borrow_payload_field_const(ev)),
		structure(bt_event_borrow_specific_context_field_const(ev)),
		structure(bt_event_borrow_common_context_field_const(ev)),
	} };
	struct crosslat_record r = {
		.name = bt_event_class_get_name(bt_event_borrow_class_const(ev)),
		.ops = &bt_record_ops,
		.fields = &fields,
	};
	int64_t idx = trace_of(src, bt_event_borrow_stream_const(ev));

	if (idx < 0)
		return (int)idx;
	r.trace = idx;
	if (!r.name)
		r.name = "";
	if (bt_message_event_borrow_stream_class_default_clock_class_const(msg)) {
		const bt_clock_snapshot *cs;

		cs = bt_message_event_borrow_default_clock_snapshot_const(msg);
		r.has_ts = bt_clock_snapshot_get_ns_from_origin(cs, &r.ts_ns) ==
			   BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK;
	}
	src->traces[idx].events++;
	return src->fn(&r, src->arg);
}

/*
 * Learns trace idx's CLOCK_MONOTONIC offset from the default clock class cc of one of its
 * streams: the trace time of cycle 0 of LTTng's "monotonic" clock. Another clock, or
 * streams that disagree, leave it unknown for good.
 */
static void clock_offset(struct crosslat_bt_source *src, uint32_t idx, const bt_clock_class *cc)
{
	struct crosslat_trace_info *t = &src->traces[idx];
	const char *name = cc ? bt_clock_class_get_name(cc) : NULL;
	int64_t ns;

	if (src->clock_state[idx] == CLOCK_UNKNOWN)
		return;
	if (!name || strcmp(name, "monotonic") ||
	    bt_clock_class_cycles_to_ns_from_origin(cc, 0, &ns) !=
	    BT_CLOCK_CLASS_CYCLES_TO_NS_FROM_ORIGIN_STATUS_OK ||
	    (src->clock_state[idx] == CLOCK_KNOWN && ns != t->mono_offset_ns)) {
		src->clock_state[idx] = CLOCK_UNKNOWN;
		t->has_mono_offset = false;
		return;
	}
	src->clock_state[idx] = CLOCK_KNOWN;
	t->mono_offset_ns = ns;
	t->has_mono_offset = true;
}

static int on_message(struct crosslat_bt_source *src, const bt_message *msg)
{
	const bt_clock_class *cc;
	const bt_stream *stream;
	uint64_t count;
	int64_t idx;

	switch (bt_message_get_type(msg)) {
	case BT_MESSAGE_TYPE_EVENT:
		return on_event(src, msg);
	case BT_MESSAGE_TYPE_STREAM_BEGINNING:
		stream = bt_message_stream_beginning_borrow_stream_const(msg);
		idx = trace_of(src, stream);
		if (idx < 0)
			return (int)idx;
		src->traces[idx].streams++;
		cc = bt_stream_class_borrow_default_clock_class_const(
			bt_stream_borrow_class_const(stream));
		if (cc && !bt_clock_class_origin_is_unix_epoch(cc))
			src->traces[idx].unix_epoch = false;
		clock_offset(src, idx, cc);
		return 0;
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
		idx = trace_of(src, bt_message_discarded_events_borrow_stream_const(msg));
		if (idx < 0)
			return (int)idx;
		/* An unknown count is at least one. */
		if (bt_message_discarded_events_get_count(msg, &count) !=
		    BT_PROPERTY_AVAILABILITY_AVAILABLE)
			count = 1;
		src->traces[idx].discarded_events += count;
		return 0;
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		idx = trace_of(src, bt_message_discarded_packets_borrow_stream_const(msg));
		if (idx < 0)
			return (int)idx;
		if (bt_message_discarded_packets_get_count(msg, &count) !=
		    BT_PROPERTY_AVAILABILITY_AVAILABLE)
			count = 1;
		src->traces[idx].discarded_packets += count;
		return 0;
	default:
		return 0;
	}
}

static bt_graph_simple_sink_component_initialize_func_status sink_init(bt_message_iterator *it,
								       void *data)
{
	(void)it;
	(void)data;
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_INITIALIZE_FUNC_STATUS_OK;
}

static bt_graph_simple_sink_component_consume_func_status sink_consume(bt_message_iterator *it,
								       void *data)
{
	struct crosslat_bt_source *src = data;
	bt_message_array_const msgs;
	uint64_t count, i;
	int rc = 0;

	switch (bt_message_iterator_next(it, &msgs, &count)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	default:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	for (i = 0; i < count; i++) {
		if (!rc)
			rc = on_message(src, msgs[i]);
		bt_message_put_ref(msgs[i]);
	}
	if (rc == -ENOMEM) {
		src->fn_err = rc;
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	}
	if (rc) {
		src->fn_err = rc;
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

static int find_plugin(const char *name, const bt_plugin **plugin)
{
	/* BABELTRACE_PLUGIN_PATH, then the system directories, then the built-in ones. */
	switch (bt_plugin_find(name, BT_TRUE, BT_FALSE, BT_TRUE, BT_TRUE, BT_FALSE, plugin)) {
	case BT_PLUGIN_FIND_STATUS_OK:
		return 0;
	case BT_PLUGIN_FIND_STATUS_NOT_FOUND:
		fprintf(stderr, PROG ": babeltrace2 plugin '%s' not found (install the babeltrace2 package, or set BABELTRACE_PLUGIN_PATH)\n",
			name);
		return -ENOENT;
	case BT_PLUGIN_FIND_STATUS_MEMORY_ERROR:
		print_bt_error("out of memory loading babeltrace2 plugins");
		return -ENOMEM;
	default:
		print_bt_error("cannot load babeltrace2 plugins");
		return -EIO;
	}
}

static int add_status(bt_graph_add_component_status st, const char *what)
{
	if (st == BT_GRAPH_ADD_COMPONENT_STATUS_OK)
		return 0;
	print_bt_error(what);
	return st == BT_GRAPH_ADD_COMPONENT_STATUS_MEMORY_ERROR ? -ENOMEM : -EIO;
}

static int connect_status(bt_graph_connect_ports_status st)
{
	if (st == BT_GRAPH_CONNECT_PORTS_STATUS_OK)
		return 0;
	print_bt_error("cannot connect the babeltrace2 components");
	return st == BT_GRAPH_CONNECT_PORTS_STATUS_MEMORY_ERROR ? -ENOMEM : -EIO;
}

/* Adds a src.ctf.fs component reading dir, its ports connected to the muxer's. */
static int add_trace(struct crosslat_bt_source *src, const bt_component_class_source *fs,
		     const bt_component_filter *muxer, size_t i, const char *dir, int64_t shift_ns)
{
	const bt_component_source *comp;
	bt_value *params, *inputs;
	char name[32], what[4200];
	uint64_t p, nports;
	int rc = -ENOMEM;

	params = bt_value_map_create();
	if (!params)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%zu", i);
	if (bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) !=
	    BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
	    bt_value_array_append_string_element(inputs, dir) !=
	    BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK ||
	    bt_value_map_insert_string_entry(params, "trace-name", name) !=
	    BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
	    (shift_ns && bt_value_map_insert_signed_integer_entry(params, "clock-class-offset-ns",
								  shift_ns) !=
	     BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK))
		goto out;
	snprintf(name, sizeof(name), "src-%zu", i);
	snprintf(what, sizeof(what), "cannot read the CTF trace in %s", dir);
	rc = add_status(bt_graph_add_source_component(src->graph, fs, name, params, LOG_LEVEL,
						      &comp), what);
	if (rc)
		goto out;
	nports = bt_component_source_get_output_port_count(comp);
	for (p = 0; p < nports && !rc; p++) {
		/* The muxer always has one free input port: its last one. */
		uint64_t in = bt_component_filter_get_input_port_count(muxer) - 1;

		rc = connect_status(bt_graph_connect_ports(src->graph,
			bt_component_source_borrow_output_port_by_index_const(comp, p),
			bt_component_filter_borrow_input_port_by_index_const(muxer, in), NULL));
	}
out:
	bt_value_put_ref(params);
	return rc;
}

int crosslat_bt_source_create(const char *const *dirs, size_t n, const int64_t *shift_ns,
			      struct crosslat_bt_source **out)
{
	const bt_component_class_filter *muxer_cls;
	const bt_component_class_source *fs_cls;
	const bt_component_filter *muxer;
	const bt_component_sink *sink;
	struct crosslat_bt_source *src;
	size_t i;
	int rc;

	src = calloc(1, sizeof(*src));
	if (!src)
		return -ENOMEM;
	src->traces = calloc(n ? n : 1, sizeof(*src->traces));
	src->clock_state = calloc(n ? n : 1, sizeof(*src->clock_state));
	if (!src->traces || !src->clock_state) {
		rc = -ENOMEM;
		goto err;
	}
	src->nr_traces = n;
	for (i = 0; i < n; i++) {
		src->traces[i].path = dirs[i];
		src->traces[i].unix_epoch = true;
	}
	rc = find_plugin("ctf", &src->ctf);
	if (!rc)
		rc = find_plugin("utils", &src->utils);
	if (rc)
		goto err;
	fs_cls = bt_plugin_borrow_source_component_class_by_name_const(src->ctf, "fs");
	muxer_cls = bt_plugin_borrow_filter_component_class_by_name_const(src->utils, "muxer");
	if (!fs_cls || !muxer_cls) {
		fprintf(stderr, PROG ": babeltrace2 has no src.ctf.fs or flt.utils.muxer\n");
		rc = -ENOENT;
		goto err;
	}
	src->graph = bt_graph_create(0);
	if (!src->graph) {
		rc = -ENOMEM;
		goto err;
	}
	rc = add_status(bt_graph_add_filter_component(src->graph, muxer_cls, "muxer", NULL,
						      LOG_LEVEL, &muxer),
			"cannot create the muxer");
	for (i = 0; i < n && !rc; i++)
		rc = add_trace(src, fs_cls, muxer, i, dirs[i], shift_ns ? shift_ns[i] : 0);
	if (rc)
		goto err;
	rc = add_status(bt_graph_add_simple_sink_component(src->graph, "crosslat", sink_init,
							   sink_consume, NULL, src, &sink),
			"cannot create the sink");
	if (rc)
		goto err;
	rc = connect_status(bt_graph_connect_ports(src->graph,
		bt_component_filter_borrow_output_port_by_index_const(muxer, 0),
		bt_component_sink_borrow_input_port_by_index_const(sink, 0), NULL));
	if (rc)
		goto err;
	*out = src;
	return 0;
err:
	crosslat_bt_source_destroy(src);
	return rc;
}

int crosslat_bt_source_run(struct crosslat_bt_source *src, crosslat_record_fn fn, void *arg)
{
	if (src->ran)
		return -EINVAL;
	src->ran = true;
	src->fn = fn;
	src->arg = arg;
	for (;;) {
		switch (bt_graph_run(src->graph)) {
		case BT_GRAPH_RUN_STATUS_OK:
			return 0;
		case BT_GRAPH_RUN_STATUS_AGAIN:
			/* Only live sources ask to retry; src.ctf.fs does not, but be polite. */
			usleep(1000);
			continue;
		case BT_GRAPH_RUN_STATUS_MEMORY_ERROR:
			if (src->fn_err) {
				bt_current_thread_clear_error();
				return src->fn_err;
			}
			print_bt_error("out of memory reading the traces");
			return -ENOMEM;
		default:
			if (src->fn_err) {
				bt_current_thread_clear_error();
				return src->fn_err;
			}
			print_bt_error("cannot read the traces");
			return -EIO;
		}
	}
}

const struct crosslat_trace_info *crosslat_bt_source_traces(const struct crosslat_bt_source *src,
							    size_t *nr)
{
	*nr = src->nr_traces;
	return src->traces;
}

void crosslat_bt_source_destroy(struct crosslat_bt_source *src)
{
	size_t i;

	if (!src)
		return;
	/* Our references into the graph's objects, the graph, then the plugins' code. */
	for (i = 0; i < src->nr_seen; i++)
		bt_trace_put_ref(src->seen[i].trace);
	free(src->seen);
	bt_graph_put_ref(src->graph);
	bt_plugin_put_ref(src->ctf);
	bt_plugin_put_ref(src->utils);
	for (i = 0; i < src->nr_traces; i++) {
		free(src->traces[i].hostname);
		free(src->traces[i].domain);
	}
	free(src->traces);
	free(src->clock_state);
	free(src);
}
