import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.JSONArray;
import com.alibaba.fastjson.JSONObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The lab's RocketMQ client: one long-lived process per experiment, run in the client network namespace.
 * Reads one JSON array per line on stdin: [id, command, args...]; answers one line per command on stdout:
 * "@@LAB " + {"id":..., "ok":true|false, ...}. Anything else on stdout is noise and ignored by the lab.
 *
 * Commands:
 *   ["1","clusterInfo", namesrvAddr?, creds?]           -> clusters: {cluster: {brokerName: {brokerId: addr}}}
 *   ["2","createTopic", topic, cluster, creds?]         -> creates the topic on every master (brokerId 0) of the cluster
 *   ["2","hasTopic", brokerAddr, topic, creds?]         -> has: whether that broker's topic table holds the topic
 *   ["2","brokerConfig", brokerAddr, creds?]            -> config: the broker's running configuration
 *   ["3","route", topic, creds?]                        -> route: the name server's TopicRouteData as JSON
 *   ["4","send", topic, brokerName or "", body, creds?] -> brokerName, queueId, offset, msgId, status
 *   ["5","consume", topic, brokerName or "", group?, creds?] -> bodies: [...], perBroker (pulls every queue from
 *                                                        offset 0, as consumer group `group`: default lab_pull_group)
 *   ["6","produceStart", topic, ratePerSecond, creds?]  -> starts the background producer: one message at a time,
 *                                                        bodies "<topic>-<n>" (n from 0), at most ratePerSecond, with
 *                                                        a producer configured as an application's (its own queue
 *                                                        selection, 2 retries, 3 s timeout), until produceStop
 *   ["7","produceStop"]                                 -> stops it; attempted, acked (the n of every send that got a
 *                                                        SendResult), statuses {SendStatus: count}, failed,
 *                                                        failures (the first 10: n, atMs, error), outages (spans of
 *                                                        failed sends: fromMs, toMs, sends), durationMs, perBroker
 *   ["8","quit"]
 *
 * Credentials: every command that talks to RocketMQ (all but quit) takes an optional last element, a JSON object
 * {"accessKey": ..., "secretKey": ...}: the command then runs as that account, through an admin, producer and pull
 * consumer of its own signed by AclClientRPCHook (ACL 1.0 and 2.0 alike), made on first use and kept for the
 * process. Without it the command runs as nobody (the anonymous clients made at start, as before).
 *
 * A failed command answers ok:false with "error" (the exception chain as text) and "refusal": {exception (the
 * thrown class), code (RocketMQ's response code, when an exception of the chain carries one), codeFrom (that
 * exception's class), message (that exception's own message: the broker's remark, e.g. "No accessKey is configured"
 * or "username cannot be null."; else the thrown exception's message)}.
 *
 * Secrets: every secretKey this process was given is replaced by "***" in every string of every answer (map keys
 * too); such an answer, and its refusal, get "scrubbed": true. This class writes nothing else itself. RocketMQ's
 * client log holds no secret key (lab/acl-probe.ts greps it), but it writes addresses, topics and clusters verbatim:
 * a secret used as one of those would be logged. An unparsable
 * command line is never echoed.
 *
 * Compiled by the lab with javac against the jars of the RocketMQ version under test. AclClientRPCHook and
 * SessionCredentials are org.apache.rocketmq.acl.common in every version the lab runs (4.7.0 and 4.9.8: in
 * rocketmq-acl; 5.3.3 and 5.5.0: in rocketmq-client), so they are imported, not loaded by reflection.
 */
public class LabClient {
    private static final PrintStream OUT;

    static {
        OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
    }

    /**
     * The TLS switch: -Dtls.enable=true makes every client of this process speak TLS (ClientConfig's default reads it;
     * set here explicitly too), with the tls.client.* keys of the file -Dtls.config.file names (the CA to check the
     * servers' certificate against). Without it the clients speak plaintext.
     */
    private static final boolean TLS = Boolean.parseBoolean(System.getProperty("tls.enable", "false"));

    private static DefaultMQAdminExt admin;
    private static DefaultMQProducer producer;
    private static DefaultMQPullConsumer consumer;
    private static String namesrv;
    private static String instance;

    /** The clients of one account: every request they make is signed with its keys. */
    private static final class Account {
        final int n;
        final RPCHook hook;
        final DefaultMQAdminExt admin;
        final DefaultMQProducer producer;
        final DefaultMQPullConsumer consumer;
        final Map<String, DefaultMQAdminExt> admins = new java.util.HashMap<>();
        final Map<String, DefaultMQPullConsumer> groups = new java.util.HashMap<>();
        final String name;

        Account(int n, String accessKey, String secretKey) throws Exception {
            this.n = n;
            this.hook = new AclClientRPCHook(new SessionCredentials(accessKey, secretKey));
            // Instance names never hold a key: they end up in client ids, which brokers and clients log.
            String name = instance + "-acct" + n;
            this.name = name;
            DefaultMQAdminExt a = new DefaultMQAdminExt(hook, 5000);
            a.setNamesrvAddr(namesrv);
            a.setUseTLS(TLS);
            a.setInstanceName(name + "-admin");
            DefaultMQProducer p = new DefaultMQProducer("lab_producer_group", hook);
            p.setNamesrvAddr(namesrv);
            p.setUseTLS(TLS);
            p.setInstanceName(name); // its own client instance: one per hook (the first hook of an instance wins)
            p.setSendMsgTimeout(4000);
            p.setRetryTimesWhenSendFailed(0);
            p.setPollNameServerInterval(1000);
            DefaultMQPullConsumer c = new DefaultMQPullConsumer("lab_pull_group", hook);
            c.setNamesrvAddr(namesrv);
            c.setUseTLS(TLS);
            c.setInstanceName(name); // shares the producer's client instance, as the anonymous ones do
            try {
                a.start();
                p.start();
                c.start();
            } catch (Exception e) {
                shutdown(c, p, a);
                throw e;
            }
            this.admin = a;
            this.producer = p;
            this.consumer = c;
        }

        DefaultMQAdminExt adminFor(String ns) throws Exception {
            DefaultMQAdminExt a = admins.get(ns);
            if (a == null) {
                a = new DefaultMQAdminExt(hook, 3000);
                a.setNamesrvAddr(ns);
                a.setUseTLS(TLS);
                a.setInstanceName(instance + "-acct" + n + "-ns" + admins.size());
                a.start();
                admins.put(ns, a);
            }
            return a;
        }

        DefaultMQPullConsumer consumerOf(String group) throws Exception {
            return LabClient.consumerOf(groups, group, hook, name);
        }
    }

    /** Pull consumers of the anonymous clients, by consumer group. */
    private static final Map<String, DefaultMQPullConsumer> GROUPS = new java.util.HashMap<>();

    /**
     * The pull consumer of `group` (made on first use) in the client instance `instanceName` (the producer's: one route
     * table, one signing hook), signed by `hook` or by nobody. The broker checks the group's permission on every pull.
     */
    private static DefaultMQPullConsumer consumerOf(Map<String, DefaultMQPullConsumer> made, String group, RPCHook hook, String instanceName) throws Exception {
        DefaultMQPullConsumer c = made.get(group);
        if (c == null) {
            c = hook == null ? new DefaultMQPullConsumer(group) : new DefaultMQPullConsumer(group, hook);
            c.setNamesrvAddr(namesrv);
            c.setUseTLS(TLS);
            c.setInstanceName(instanceName);
            c.start();
            made.put(group, c);
        }
        return c;
    }

    /** Accounts by accessKey + NUL + secretKey (kept in memory only). */
    private static final Map<String, Account> ACCOUNTS = new java.util.HashMap<>();
    /** Every secretKey given to this process: scrubbed from everything it writes. */
    private static final Set<String> SECRETS = new java.util.HashSet<>();

    private static void shutdown(DefaultMQPullConsumer c, DefaultMQProducer p, DefaultMQAdminExt a) {
        try {
            c.shutdown();
        } catch (Throwable ignored) {
        }
        try {
            p.shutdown();
        } catch (Throwable ignored) {
        }
        try {
            a.shutdown();
        } catch (Throwable ignored) {
        }
    }

    /** The background producer of produceStart: sends on its own thread while the lab does other things. */
    private static final class Background implements Runnable {
        final String topic;
        final long periodNanos;
        final DefaultMQProducer producer;
        final Thread thread;
        volatile boolean stop;
        final long start = System.nanoTime();
        long end;
        int attempted;
        int failed;
        final List<Integer> acked = new ArrayList<>();
        final Map<String, Integer> statuses = new TreeMap<>();
        final Map<String, Integer> perBroker = new TreeMap<>();
        final List<Map<String, Object>> failures = new ArrayList<>();
        final List<Map<String, Object>> outages = new ArrayList<>();
        Map<String, Object> outage;

        Background(String topic, double rate, RPCHook hook) throws Exception {
            this.topic = topic;
            this.periodNanos = (long) (1_000_000_000L / rate);
            producer = hook == null ? new DefaultMQProducer("lab_rollout_producer") : new DefaultMQProducer("lab_rollout_producer", hook);
            producer.setNamesrvAddr(namesrv);
            producer.setUseTLS(TLS);
            producer.setInstanceName(instance + "-background");
            producer.setSendMsgTimeout(3000);
            producer.setRetryTimesWhenSendFailed(2);
            producer.setPollNameServerInterval(1000);
            producer.start();
            thread = new Thread(this, "lab-background-producer");
            thread.setDaemon(true);
            thread.start();
        }

        long nowMs() {
            return (System.nanoTime() - start) / 1_000_000L;
        }

        public void run() {
            long next = System.nanoTime();
            for (int n = 0; !stop; n++) {
                long at = nowMs();
                attempted++;
                try {
                    Message msg = new Message(topic, "lab", (topic + "-" + n).getBytes(StandardCharsets.UTF_8));
                    msg.setKeys(topic + "-" + n);
                    SendResult res = producer.send(msg);
                    acked.add(n);
                    statuses.merge(String.valueOf(res.getSendStatus()), 1, Integer::sum);
                    perBroker.merge(res.getMessageQueue().getBrokerName(), 1, Integer::sum);
                    if (outage != null) {
                        outage.put("toMs", at);
                        outages.add(outage);
                        outage = null;
                    }
                } catch (Throwable t) {
                    failed++;
                    if (failures.size() < 10) {
                        Map<String, Object> f = new LinkedHashMap<>();
                        f.put("n", n);
                        f.put("atMs", at);
                        f.put("error", String.valueOf(t.getMessage()).split("\n")[0]);
                        failures.add(f);
                    }
                    if (outage == null) {
                        outage = new LinkedHashMap<>();
                        outage.put("fromMs", at);
                        outage.put("sends", 0);
                    }
                    outage.put("sends", (Integer) outage.get("sends") + 1);
                }
                next = Math.max(next + periodNanos, System.nanoTime());
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            end = nowMs();
            if (outage != null) {
                outage.put("toMs", end);
                outages.add(outage);
                outage = null;
            }
        }

        Map<String, Object> stopAndReport() throws InterruptedException {
            stop = true;
            thread.join(30_000);
            producer.shutdown();
            Map<String, Object> r = ok();
            r.put("topic", topic);
            r.put("attempted", attempted);
            r.put("acked", acked);
            r.put("statuses", statuses);
            r.put("failed", failed);
            r.put("failures", failures);
            r.put("outages", outages);
            r.put("durationMs", end);
            r.put("perBroker", perBroker);
            return r;
        }
    }

    private static Background background;

    public static void main(String[] args) throws Exception {
        namesrv = args[0];
        instance = "lab" + System.nanoTime();
        // Keep RocketMQ's own stdout chatter away from the answer channel.
        System.setOut(new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true));

        admin = new DefaultMQAdminExt(5000);
        admin.setNamesrvAddr(namesrv);
        admin.setUseTLS(TLS);
        admin.setInstanceName(instance + "-admin");
        admin.start();

        producer = new DefaultMQProducer("lab_producer_group");
        producer.setNamesrvAddr(namesrv);
        producer.setUseTLS(TLS);
        producer.setInstanceName(instance);
        producer.setSendMsgTimeout(4000);
        producer.setRetryTimesWhenSendFailed(0);
        producer.setPollNameServerInterval(1000);
        producer.start();

        consumer = new DefaultMQPullConsumer("lab_pull_group");
        consumer.setNamesrvAddr(namesrv);
        consumer.setUseTLS(TLS);
        consumer.setInstanceName(instance); // shares the producer's client instance (one route table)
        consumer.start();

        Map<String, Object> ready = ok();
        ready.put("useTLS", producer.isUseTLS() && admin.isUseTLS() && consumer.isUseTLS());
        reply(null, ready);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String id = null;
            JSONArray a;
            try {
                a = JSON.parseArray(line);
                id = a.getString(0);
            } catch (Throwable t) {
                // The line may hold a secret the process has not been given yet: never echo it.
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("ok", false);
                r.put("error", "unparsable command line (" + line.length() + " characters; not echoed)");
                reply(id, r);
                continue;
            }
            try {
                Account account = null;
                if (a.size() > 2 && a.get(a.size() - 1) instanceof JSONObject) {
                    JSONObject creds = (JSONObject) a.remove(a.size() - 1);
                    account = account(creds);
                }
                String cmd = a.getString(1);
                if ("quit".equals(cmd)) {
                    reply(id, ok());
                    break;
                }
                reply(id, handle(cmd, a, account));
            } catch (Throwable t) {
                reply(id, failed(t));
            }
        }
        for (DefaultMQPullConsumer c : GROUPS.values()) {
            try {
                c.shutdown();
            } catch (Throwable ignored) {
            }
        }
        for (Account acc : ACCOUNTS.values()) {
            for (DefaultMQPullConsumer c : acc.groups.values()) {
                try {
                    c.shutdown();
                } catch (Throwable ignored) {
                }
            }
            for (DefaultMQAdminExt x : acc.admins.values()) {
                try {
                    x.shutdown();
                } catch (Throwable ignored) {
                }
            }
            shutdown(acc.consumer, acc.producer, acc.admin);
        }
        shutdown(consumer, producer, admin);
        System.exit(0);
    }

    /** The clients of the account these credentials name (made on first use), registering the secret first. */
    private static Account account(JSONObject creds) throws Exception {
        Object ak = creds.get("accessKey");
        Object sk = creds.get("secretKey");
        if (sk instanceof String && !((String) sk).isEmpty()) {
            SECRETS.add((String) sk);
        }
        if (!(ak instanceof String) || !(sk instanceof String) || ((String) ak).isEmpty() || ((String) sk).isEmpty()) {
            throw new IllegalArgumentException("credentials need a non-empty string accessKey and secretKey");
        }
        String key = ak + "\0" + sk;
        Account acc = ACCOUNTS.get(key);
        if (acc == null) {
            acc = new Account(ACCOUNTS.size() + 1, (String) ak, (String) sk);
            ACCOUNTS.put(key, acc);
        }
        return acc;
    }

    private static Map<String, Object> handle(String cmd, JSONArray a, Account account) throws Exception {
        Map<String, Object> r = ok();
        // The clients this command runs with: the account's, or the anonymous ones made at start.
        DefaultMQAdminExt admin = account == null ? LabClient.admin : account.admin;
        DefaultMQProducer producer = account == null ? LabClient.producer : account.producer;
        DefaultMQPullConsumer consumer = account == null ? LabClient.consumer : account.consumer;
        switch (cmd) {
            case "clusterInfo": {
                // optional argument: ask this name server (list) instead of the one given at start
                String ns = a.size() > 2 ? a.getString(2) : null;
                DefaultMQAdminExt via = (ns == null || ns.isEmpty()) ? admin : account == null ? adminFor(ns) : account.adminFor(ns);
                Object info = via.examineBrokerClusterInfo();
                r.put("clusters", clusters(info));
                return r;
            }
            case "createTopic": {
                String topic = a.getString(2);
                String cluster = a.getString(3);
                Map<String, Map<String, Map<String, String>>> clusters = clusters(admin.examineBrokerClusterInfo());
                Map<String, Map<String, String>> brokers = clusters.get(cluster);
                if (brokers == null) {
                    throw new IllegalStateException("cluster " + cluster + " not registered");
                }
                // On the masters (brokerId 0) only: brokers refuse topic changes on slaves; slaves copy the
                // topic table from their master (SlaveSynchronize), see "hasTopic".
                List<String> done = new ArrayList<>();
                for (Map<String, String> addrs : brokers.values()) {
                    String addr = addrs.get("0");
                    if (addr != null) {
                        TopicConfig tc = new TopicConfig(topic, 4, 4, 6);
                        admin.createAndUpdateTopicConfig(addr, tc);
                        done.add(addr);
                    }
                }
                r.put("brokers", done);
                return r;
            }
            case "hasTopic": {
                // does the broker at addr know the topic? (4.7: getAllTopicGroup, 4.9+/5.x: getAllTopicConfig)
                String addr = a.getString(2);
                String topic = a.getString(3);
                java.lang.reflect.Method m;
                try {
                    m = DefaultMQAdminExt.class.getMethod("getAllTopicConfig", String.class, long.class);
                } catch (NoSuchMethodException e) {
                    m = DefaultMQAdminExt.class.getMethod("getAllTopicGroup", String.class, long.class);
                }
                Object wrapper;
                try {
                    wrapper = m.invoke(admin, addr, 5000L);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
                Map<?, ?> table = (Map<?, ?>) wrapper.getClass().getMethod("getTopicConfigTable").invoke(wrapper);
                r.put("has", table != null && table.containsKey(topic));
                return r;
            }
            case "brokerConfig": {
                // the configuration the broker at addr runs with (what it read from its file, after startup)
                String addr = a.getString(2);
                java.util.Properties props = admin.getBrokerConfig(addr);
                Map<String, String> out = new java.util.TreeMap<>();
                for (String k : props.stringPropertyNames()) out.put(k, props.getProperty(k));
                r.put("config", out);
                return r;
            }
            case "route": {
                String topic = a.getString(2);
                Object route = admin.examineTopicRouteInfo(topic);
                r.put("route", JSON.parse(JSON.toJSONString(route)));
                return r;
            }
            case "send": {
                String topic = a.getString(2);
                String brokerName = a.getString(3);
                String body = a.getString(4);
                producer.getDefaultMQProducerImpl().getmQClientFactory().updateTopicRouteInfoFromNameServer(topic);
                Message msg = new Message(topic, "lab", body.getBytes(StandardCharsets.UTF_8));
                SendResult res;
                if (brokerName == null || brokerName.isEmpty()) {
                    res = producer.send(msg);
                } else {
                    List<MessageQueue> mqs = producer.fetchPublishMessageQueues(topic);
                    MessageQueue chosen = null;
                    for (MessageQueue mq : mqs) {
                        if (mq.getBrokerName().equals(brokerName)) {
                            chosen = mq;
                            break;
                        }
                    }
                    if (chosen == null) {
                        throw new IllegalStateException("no writable queue of " + brokerName + " for " + topic);
                    }
                    res = producer.send(msg, chosen);
                }
                r.put("status", String.valueOf(res.getSendStatus()));
                r.put("brokerName", res.getMessageQueue().getBrokerName());
                r.put("queueId", res.getMessageQueue().getQueueId());
                r.put("offset", res.getQueueOffset());
                r.put("msgId", res.getMsgId());
                return r;
            }
            case "consume": {
                String topic = a.getString(2);
                String brokerName = a.size() > 3 ? a.getString(3) : "";
                String group = a.size() > 4 ? a.getString(4) : "";
                if (group != null && !group.isEmpty()) {
                    consumer = account == null ? consumerOf(GROUPS, group, null, instance) : account.consumerOf(group);
                }
                producer.getDefaultMQProducerImpl().getmQClientFactory().updateTopicRouteInfoFromNameServer(topic);
                // The pull consumer's own client instance too: from 4.9.x a pull consumer is not in its producer's
                // instance (its client id ends in "@STREAM"), and its broker table would otherwise wait for its own
                // 30 s name server poll: a master killed just before stays the address pulled from until then.
                consumer.getDefaultMQPullConsumerImpl().getRebalanceImpl().getmQClientFactory().updateTopicRouteInfoFromNameServer(topic);
                Set<MessageQueue> mqs = consumer.fetchSubscribeMessageQueues(topic);
                List<String> bodies = new ArrayList<>();
                Map<String, Integer> perBroker = new TreeMap<>();
                for (MessageQueue mq : mqs) {
                    if (brokerName != null && !brokerName.isEmpty() && !mq.getBrokerName().equals(brokerName)) {
                        continue;
                    }
                    long offset = 0;
                    for (int round = 0; round < 100; round++) {
                        PullResult pr = consumer.pull(mq, "*", offset, 32, 4000);
                        if (pr.getPullStatus() != PullStatus.FOUND) {
                            break;
                        }
                        for (MessageExt m : pr.getMsgFoundList()) {
                            bodies.add(new String(m.getBody(), StandardCharsets.UTF_8));
                            perBroker.merge(mq.getBrokerName(), 1, Integer::sum);
                        }
                        offset = pr.getNextBeginOffset();
                    }
                }
                r.put("bodies", bodies);
                r.put("perBroker", perBroker);
                return r;
            }
            case "produceStart": {
                if (background != null) {
                    throw new IllegalStateException("the background producer already runs (on " + background.topic + ")");
                }
                background = new Background(a.getString(2), Double.parseDouble(a.getString(3)), account == null ? null : account.hook);
                return r;
            }
            case "produceStop": {
                if (background == null) {
                    throw new IllegalStateException("no background producer runs");
                }
                Background b = background;
                background = null;
                return b.stopAndReport();
            }
            default:
                throw new IllegalArgumentException("unknown command " + cmd);
        }
    }

    private static final Map<String, DefaultMQAdminExt> ADMINS = new java.util.HashMap<>();

    private static DefaultMQAdminExt adminFor(String namesrv) throws Exception {
        DefaultMQAdminExt a = ADMINS.get(namesrv);
        if (a == null) {
            a = new DefaultMQAdminExt(3000);
            a.setNamesrvAddr(namesrv);
            a.setUseTLS(TLS);
            a.setInstanceName("lab" + System.nanoTime() + "-ns" + ADMINS.size());
            a.start();
            ADMINS.put(namesrv, a);
        }
        return a;
    }

    /** ClusterInfo (4.x and 5.x) as {cluster: {brokerName: {brokerId: addr}}}, read through its JSON form. */
    private static Map<String, Map<String, Map<String, String>>> clusters(Object info) {
        com.alibaba.fastjson.JSONObject j = (com.alibaba.fastjson.JSONObject) JSON.toJSON(info);
        com.alibaba.fastjson.JSONObject brokerAddrTable = j.getJSONObject("brokerAddrTable");
        com.alibaba.fastjson.JSONObject clusterAddrTable = j.getJSONObject("clusterAddrTable");
        Map<String, Map<String, Map<String, String>>> out = new TreeMap<>();
        if (clusterAddrTable == null) {
            return out;
        }
        for (String cluster : clusterAddrTable.keySet()) {
            Map<String, Map<String, String>> brokers = new TreeMap<>();
            for (Object bn : clusterAddrTable.getJSONArray(cluster)) {
                Map<String, String> addrs = new TreeMap<>();
                com.alibaba.fastjson.JSONObject bd = brokerAddrTable == null ? null : brokerAddrTable.getJSONObject(String.valueOf(bn));
                if (bd != null && bd.getJSONObject("brokerAddrs") != null) {
                    for (Map.Entry<String, Object> e : bd.getJSONObject("brokerAddrs").entrySet()) {
                        addrs.put(e.getKey(), String.valueOf(e.getValue()));
                    }
                }
                brokers.put(String.valueOf(bn), addrs);
            }
            out.put(cluster, brokers);
        }
        return out;
    }

    private static Map<String, Object> ok() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ok", true);
        return r;
    }

    /** ok:false with the exception chain and the refusal: thrown class, RocketMQ's response code and message. */
    private static Map<String, Object> failed(Throwable t) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ok", false);
        r.put("error", describe(t));
        Map<String, Object> refusal = new LinkedHashMap<>();
        refusal.put("exception", t.getClass().getName());
        // The deepest exception of the chain that carries a response code holds the broker's own remark (a send's
        // MQClientException copies the code of the MQBrokerException it wraps, with a message of its own).
        Throwable coded = null;
        int code = -1;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            int k = responseCode(c);
            if (k >= 0) {
                coded = c;
                code = k;
            }
        }
        if (coded != null) {
            refusal.put("code", code);
            refusal.put("codeFrom", coded.getClass().getName());
            String em = errorMessage(coded);
            refusal.put("message", em != null ? em : String.valueOf(coded.getMessage()));
        } else {
            refusal.put("message", String.valueOf(t.getMessage()));
        }
        r.put("refusal", refusal);
        return r;
    }

    /** RocketMQ's response code of an MQClientException / MQBrokerException, -1 when none. */
    private static int responseCode(Throwable t) {
        if (t instanceof org.apache.rocketmq.client.exception.MQClientException) {
            return ((org.apache.rocketmq.client.exception.MQClientException) t).getResponseCode();
        }
        if (t instanceof org.apache.rocketmq.client.exception.MQBrokerException) {
            return ((org.apache.rocketmq.client.exception.MQBrokerException) t).getResponseCode();
        }
        return -1;
    }

    /** The exception's own message (getErrorMessage: no "CODE: n DESC:" prefix), or null. */
    private static String errorMessage(Throwable t) {
        if (t instanceof org.apache.rocketmq.client.exception.MQClientException) {
            return ((org.apache.rocketmq.client.exception.MQClientException) t).getErrorMessage();
        }
        if (t instanceof org.apache.rocketmq.client.exception.MQBrokerException) {
            return ((org.apache.rocketmq.client.exception.MQBrokerException) t).getErrorMessage();
        }
        return null;
    }

    /** s with every known secret replaced by "***"; flags[0] set when one was. */
    private static String scrub(String s, boolean[] flags) {
        if (s == null) {
            return null;
        }
        for (String secret : SECRETS) {
            if (s.contains(secret)) {
                s = s.replace(secret, "***");
                flags[0] = true;
            }
        }
        return s;
    }

    /** A copy of an answer's value with every string (map keys too) scrubbed. */
    private static Object scrubValue(Object v, boolean[] flags) {
        if (v instanceof String) {
            return scrub((String) v, flags);
        }
        if (v instanceof Map) {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                Object k = e.getKey() instanceof String ? scrub((String) e.getKey(), flags) : e.getKey();
                m.put(k, scrubValue(e.getValue(), flags));
            }
            return m;
        }
        if (v instanceof java.util.Collection) {
            List<Object> l = new ArrayList<>();
            for (Object o : (java.util.Collection<?>) v) {
                l.add(scrubValue(o, flags));
            }
            return l;
        }
        return v;
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c.getClass().getName()).append(": ").append(c.getMessage());
            if (c.getCause() == c) {
                break;
            }
        }
        return sb.toString();
    }

    private static void reply(String id, Map<String, Object> r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.putAll(r);
        if (!SECRETS.isEmpty()) {
            boolean[] flags = {false};
            @SuppressWarnings("unchecked")
            Map<String, Object> clean = (Map<String, Object>) scrubValue(out, flags);
            out = clean;
            if (flags[0]) {
                out.put("scrubbed", true);
                Object refusal = out.get("refusal");
                if (refusal instanceof Map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> rm = (Map<String, Object>) refusal;
                    rm.put("scrubbed", true);
                }
            }
        }
        OUT.println("@@LAB " + JSON.toJSONString(out));
    }
}
