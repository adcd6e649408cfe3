// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_map.ko: for every encapsulated packet a network namespace sends or receives
 * (VXLAN, GENEVE, IP-in-IP), which pod flow (inner tuple) travelled in which underlay flow
 * (outer tuple, VNI); for every connection it NATs, conntrack's original and reply tuples;
 * for both, the pod (namespace, cgroup, process) at the flow's end in this host. Dumps over
 * the crosslat netlink family, crosslat_map_* tracepoints.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "map.h"

static unsigned int max_entries = 65536;
module_param(max_entries, uint, 0444);
MODULE_PARM_DESC(max_entries, "most mappings kept at once, 1..4194304 (default 65536)");

static unsigned int idle_timeout_ms = 60000;
module_param(idle_timeout_ms, uint, 0444);
MODULE_PARM_DESC(idle_timeout_ms, "a mapping without packets for this long is evicted (default 60000)");

static unsigned short vxlan_ports[CROSSLAT_ENCAP_MAX_PORTS] = {
	CROSSLAT_VXLAN_PORT, CROSSLAT_VXLAN_PORT_LINUX
};
static int n_vxlan_ports = 2;
module_param_array(vxlan_ports, ushort, &n_vxlan_ports, 0444);
MODULE_PARM_DESC(vxlan_ports, "UDP destination ports of VXLAN, up to 4 (default 4789,8472)");

static unsigned short geneve_ports[CROSSLAT_ENCAP_MAX_PORTS] = { CROSSLAT_GENEVE_PORT };
static int n_geneve_ports = 1;
module_param_array(geneve_ports, ushort, &n_geneve_ports, 0444);
MODULE_PARM_DESC(geneve_ports, "UDP destination ports of GENEVE, up to 4 (default 6081)");

struct crosslat_flow_table *crosslat_map_table;
struct crosslat_encap_ports crosslat_map_ports;
struct map_counters __percpu *crosslat_map_counters;

/* The table may be walked (set between init and exit, under the module's param lock). */
static bool statedump_ready;

/*
 * Writing 1 emits crosslat_map_add for every mapping in the table (as LTTng's own statedump
 * does for processes and files): a session started after a long-lived connection's first
 * packets gets its mapping. The write returns once all are emitted. Setters run under
 * kernel_param_lock(THIS_MODULE), which exit takes before the table goes.
 */
static int statedump_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	bool v;

	if (kstrtobool(val, &v) || !v)
		return -EINVAL;
	if (!statedump_ready)
		return -EAGAIN;
	n = map_statedump();
	pr_debug("statedump: %u mappings\n", n);
	return 0;
}

static const struct kernel_param_ops statedump_ops = {
	.set = statedump_set,
};
module_param_cb(statedump, &statedump_ops, NULL, 0200);
MODULE_PARM_DESC(statedump, "write 1: crosslat_map_add (reason 3) for every mapping kept");

static int ports_setup(void)
{
	int i;

	memset(&crosslat_map_ports, 0, sizeof(crosslat_map_ports));
	for (i = 0; i < n_vxlan_ports; i++)
		if (!crosslat_encap_ports_add(&crosslat_map_ports, CROSSLAT_ENCAP_VXLAN,
					      vxlan_ports[i]))
			return -EINVAL;
	for (i = 0; i < n_geneve_ports; i++)
		if (!crosslat_encap_ports_add(&crosslat_map_ports, CROSSLAT_ENCAP_GENEVE,
					      geneve_ports[i]))
			return -EINVAL;
	return 0;
}

static int __init crosslat_map_init(void)
{
	struct crosslat_flow_table_params p = {
		.name = "map",
		.value_size = sizeof(struct map_val),
		.max_entries = max_entries,
		.idle_timeout_ns = (u64)idle_timeout_ms * NSEC_PER_MSEC,
		.gc_interval_ms = 1000,
		.on_evict = map_on_evict,
	};
	int err;

	if (!max_entries || max_entries > (1U << 22) || !idle_timeout_ms) {
		pr_err("max_entries must be 1..4194304 and idle_timeout_ms non-zero\n");
		return -EINVAL;
	}
	if (ports_setup()) {
		pr_err("vxlan_ports and geneve_ports must be non-zero\n");
		return -EINVAL;
	}
	crosslat_map_counters = alloc_percpu(struct map_counters);
	if (!crosslat_map_counters)
		return -ENOMEM;
	crosslat_map_table = crosslat_flow_table_create(&p);
	if (IS_ERR(crosslat_map_table)) {
		err = PTR_ERR(crosslat_map_table);
		goto err_counters;
	}
	err = map_endpoints_init(max_entries);
	if (err)
		goto err_table;
	err = map_netlink_init();
	if (err)
		goto err_endpoints;
	err = map_hooks_init();
	if (err)
		goto err_netlink;
	pr_info("mapping up to %u inner flows (%zu bytes of state each)\n", max_entries,
		sizeof(struct crosslat_flow) + sizeof(struct map_val));
	kernel_param_lock(THIS_MODULE);
	statedump_ready = true;
	kernel_param_unlock(THIS_MODULE);
	return 0;

err_netlink:
	map_netlink_exit();
err_endpoints:
	map_endpoints_exit();
err_table:
	crosslat_flow_table_destroy(crosslat_map_table);
err_counters:
	free_percpu(crosslat_map_counters);
	return err;
}

static void __exit crosslat_map_exit(void)
{
	/* A statedump under way ends first; none starts after. */
	kernel_param_lock(THIS_MODULE);
	statedump_ready = false;
	kernel_param_unlock(THIS_MODULE);
	/* No new packets, then no netlink users. */
	map_hooks_exit();
	map_netlink_exit();
	/* crosslat_map_del of the remaining mappings goes out from here (map_on_evict). */
	crosslat_flow_table_destroy(crosslat_map_table);
	map_endpoints_exit();
	free_percpu(crosslat_map_counters);
}

module_init(crosslat_map_init);
module_exit(crosslat_map_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crosslat: pod flow <-> underlay tuple mappings of overlay traffic");
