import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.JSONArray;
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
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The lab's RocketMQ client: one long-lived process per experiment, run in the client network namespace.
 * Reads one JSON array per line on stdin: [id, command, args...]; answers one line per command on stdout:
 * "@@LAB " + {"id":..., "ok":true|false, ...}. Anything else on stdout is noise and ignored by the lab.
 *
 * Commands:
 *   ["1","clusterInfo", namesrvAddr?]           -> clusters: {cluster: {brokerName: {brokerId: addr}}}
 *   ["2","createTopic", topic, cluster]         -> creates the topic on every master (brokerId 0) of the cluster
 *   ["2","hasTopic", brokerAddr, topic]         -> has: whether that broker's topic table holds the topic
 *   ["3","route", topic]                        -> brokers: {brokerName: {brokerId: addr}}, queues: {brokerName: writeQueueNums}
 *   ["4","send", topic, brokerName or "", body] -> brokerName, queueId, offset, msgId, status
 *   ["5","consume", topic, brokerName or ""]    -> bodies: [...] (pulls every queue from offset 0, any live replica)
 *   ["6","quit"]
 *
 * Compiled by the lab with javac against the jars of the RocketMQ version under test.
 */
public class LabClient {
    private static final PrintStream OUT;

    static {
        OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
    }

    private static DefaultMQAdminExt admin;
    private static DefaultMQProducer producer;
    private static DefaultMQPullConsumer consumer;

    public static void main(String[] args) throws Exception {
        String namesrv = args[0];
        String instance = "lab" + System.nanoTime();
        // Keep RocketMQ's own stdout chatter away from the answer channel.
        System.setOut(new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true));

        admin = new DefaultMQAdminExt(5000);
        admin.setNamesrvAddr(namesrv);
        admin.setInstanceName(instance + "-admin");
        admin.start();

        producer = new DefaultMQProducer("lab_producer_group");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName(instance);
        producer.setSendMsgTimeout(4000);
        producer.setRetryTimesWhenSendFailed(0);
        producer.setPollNameServerInterval(1000);
        producer.start();

        consumer = new DefaultMQPullConsumer("lab_pull_group");
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(instance); // shares the producer's client instance (one route table)
        consumer.start();

        reply(null, ok());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String id = null;
            try {
                JSONArray a = JSON.parseArray(line);
                id = a.getString(0);
                String cmd = a.getString(1);
                if ("quit".equals(cmd)) {
                    reply(id, ok());
                    break;
                }
                reply(id, handle(cmd, a));
            } catch (Throwable t) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("ok", false);
                r.put("error", describe(t));
                reply(id, r);
            }
        }
        try {
            consumer.shutdown();
            producer.shutdown();
            admin.shutdown();
        } catch (Throwable ignored) {
        }
        System.exit(0);
    }

    private static Map<String, Object> handle(String cmd, JSONArray a) throws Exception {
        Map<String, Object> r = ok();
        switch (cmd) {
            case "clusterInfo": {
                // optional argument: ask this name server (list) instead of the one given at start
                String ns = a.size() > 2 ? a.getString(2) : null;
                Object info = (ns == null || ns.isEmpty()) ? admin.examineBrokerClusterInfo() : adminFor(ns).examineBrokerClusterInfo();
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
                Object wrapper = m.invoke(admin, addr, 5000L);
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
                producer.getDefaultMQProducerImpl().getmQClientFactory().updateTopicRouteInfoFromNameServer(topic);
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
        OUT.println("@@LAB " + JSON.toJSONString(out));
    }
}
