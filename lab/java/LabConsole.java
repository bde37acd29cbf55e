import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.JSONObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The deploy lab's stand-in for apache/rocketmq-dashboard 2.1.0, whose jar and image cannot be fetched here (neither
 * Maven Central nor any reachable registry serves them). It reads its settings exactly where the dashboard reads them
 * and asks the name servers the way the dashboard's cluster page does, so the lab can prove the wiring the library
 * writes (which addresses, delivered how, reachable from inside the console's container), not the console's UI:
 *
 *   - The image runs `sh -c "java $JAVA_OPTS -jar /rocketmq-dashboard.jar"`; Spring Boot binds the -D system
 *     properties in JAVA_OPTS above the jar's application.yml: `server.port` (default 8082) and
 *     `rocketmq.config.namesrvAddrs`, a list (a comma-separated string becomes its elements; default the yml's one
 *     entry 127.0.0.1:9876).
 *   - RMQConfigure.setNamesrvAddrs makes the first element the active namesrvAddr and sets the system property
 *     rocketmq.namesrv.addr to it; the MQAdminExt it then creates reads it from there.
 *   - `rocketmq.config.accessKey` and `rocketmq.config.secretKey` (RMQConfigure; empty by default): when both are set
 *     (isACLEnabled), every admin client is made with an AclClientRPCHook signed with them, so each request to a
 *     broker is signed; the name servers (4.x) check nothing. The secret key is never printed.
 *   - `rocketmq.config.useTLS` (RMQConfigure; default false): the admin client speaks TLS (ClientConfig useTLS, as the
 *     dashboard sets it on the MQAdminExt it makes); with no TLS file of its own, RocketMQ's client test mode trusts
 *     the servers' certificate unchecked, as the dashboard's does.
 *   - GET /cluster/list.query answers, as ClusterController and ClusterServiceImpl.list do, {"status":0,"data":
 *     {"clusterInfo": examineBrokerClusterInfo(), "brokerServer": {brokerName: {brokerId: fetchBrokerRuntimeStats(addr)}}}}
 *     (the runtime statistics are asked from each broker itself: a broker with access control refuses the request
 *     unless it is signed, and the page then answers {"status":-1,"errMsg":...}), plus "namesrvAddr": the active
 *     address.
 */
public class LabConsole {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getProperty("server.port", "8082"));
        List<String> namesrvAddrs = new ArrayList<>();
        for (String s : System.getProperty("rocketmq.config.namesrvAddrs", "127.0.0.1:9876").split(",")) {
            if (!s.trim().isEmpty()) {
                namesrvAddrs.add(s.trim());
            }
        }
        String active = namesrvAddrs.get(0);
        System.setProperty("rocketmq.namesrv.addr", active);
        System.err.println("LabConsole: server.port=" + port + " namesrvAddrs=" + namesrvAddrs + " active namesrvAddr=" + active);

        String accessKey = System.getProperty("rocketmq.config.accessKey", "");
        String secretKey = System.getProperty("rocketmq.config.secretKey", "");
        boolean acl = !accessKey.isEmpty() && !secretKey.isEmpty();
        System.err.println("LabConsole: " + (acl ? "signing every request as accessKey=" + accessKey : "not signing (no rocketmq.config.accessKey/secretKey)"));
        DefaultMQAdminExt admin = acl
            ? new DefaultMQAdminExt(new AclClientRPCHook(new SessionCredentials(accessKey, secretKey)), 5000)
            : new DefaultMQAdminExt(5000);
        admin.setInstanceName("lab-console-" + System.nanoTime());
        boolean useTLS = Boolean.parseBoolean(System.getProperty("rocketmq.config.useTLS", "false"));
        admin.setUseTLS(useTLS);
        System.err.println("LabConsole: useTLS=" + useTLS);
        admin.start();

        HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
        server.createContext("/", (HttpExchange x) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            int code = 200;
            String route = x.getRequestURI().getPath();
            if ("/cluster/list.query".equals(route)) {
                try {
                    Map<String, Object> data = new LinkedHashMap<>();
                    // ClusterInfo and KVTable live in other packages on 5.x: read through their JSON form.
                    JSONObject info = (JSONObject) JSON.toJSON(admin.examineBrokerClusterInfo());
                    // As ClusterServiceImpl.list: every broker's runtime statistics, asked from the broker itself.
                    Map<String, Map<String, Object>> brokerServer = new TreeMap<>();
                    JSONObject brokers = info.getJSONObject("brokerAddrTable");
                    for (String brokerName : brokers == null ? new java.util.TreeSet<String>() : brokers.keySet()) {
                        Map<String, Object> byId = new TreeMap<>();
                        JSONObject addrs = brokers.getJSONObject(brokerName).getJSONObject("brokerAddrs");
                        for (String id : addrs.keySet()) {
                            Object stats = admin.fetchBrokerRuntimeStats(addrs.getString(id));
                            byId.put(id, ((JSONObject) JSON.toJSON(stats)).get("table"));
                        }
                        brokerServer.put(brokerName, byId);
                    }
                    data.put("clusterInfo", info);
                    data.put("brokerServer", brokerServer);
                    body.put("status", 0);
                    body.put("data", data);
                } catch (Throwable t) {
                    body.put("status", -1);
                    body.put("errMsg", String.valueOf(t));
                }
                body.put("namesrvAddr", active);
                body.put("namesrvAddrs", namesrvAddrs);
            } else {
                code = 404;
                body.put("errMsg", "the lab's stand-in console serves /cluster/list.query only");
            }
            byte[] b = JSON.toJSONString(body).getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(code, b.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        System.err.println("LabConsole: listening on " + port + " " + Arrays.toString(args));
    }
}
