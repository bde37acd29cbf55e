import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.serializer.SerializerFeature;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The key catalogue of one RocketMQ release, read by reflection from its own jars (run with the release's jars on
 * the class path). Mimics MixAll.properties2Object: every public method setXxx with one parameter of type
 * int/long/double/float/boolean/String (or the boxed types) gives the key "xxx" (4th character lower-cased + rest).
 * Sections and the objects each startup class applies its file to (see the reference semantics.md §0):
 *   broker:  BrokerConfig (with the inherited BrokerIdentity in 5.x), NettyServerConfig, NettyClientConfig,
 *            MessageStoreConfig, AuthConfig when the class exists; plus the two keys BrokerStartup reads directly.
 *   namesrv: NamesrvConfig, NettyServerConfig; 5.x also NettyClientConfig, ControllerConfig and JraftConfig (the
 *            last two only applied when enableControllerInNamesrv=true).
 *   controller (5.x): ControllerConfig, JraftConfig, NettyServerConfig, NettyClientConfig.
 *   proxy (5.x): ProxyConfig, AuthConfig (rmq-proxy.json is bound by fastjson; setters listed the same way).
 *   tieredStorePlugin (5.x): the tiered store's own MessageStoreConfig.
 * Prints {"version":..., "appliedBy": {section: [class...]}, section: {key: {types: [...], default: "...", source}}}.
 * The default is the getter's value on a fresh instance (String.valueOf; null when the getter returns null or
 * there is no getter).
 */
public class Catalogue {
    static final String BROKER_CONFIG = "org.apache.rocketmq.common.BrokerConfig";
    static final String NETTY_SERVER = "org.apache.rocketmq.remoting.netty.NettyServerConfig";
    static final String NETTY_CLIENT = "org.apache.rocketmq.remoting.netty.NettyClientConfig";
    static final String STORE = "org.apache.rocketmq.store.config.MessageStoreConfig";
    static final String AUTH = "org.apache.rocketmq.auth.config.AuthConfig";
    static final String NAMESRV = "org.apache.rocketmq.common.namesrv.NamesrvConfig";
    static final String CONTROLLER = "org.apache.rocketmq.common.ControllerConfig";
    static final String JRAFT = "org.apache.rocketmq.common.JraftConfig";
    static final String PROXY = "org.apache.rocketmq.proxy.config.ProxyConfig";
    static final String TIERED = "org.apache.rocketmq.tieredstore.MessageStoreConfig";

    public static void main(String[] args) throws Exception {
        String version = args.length > 0 ? args[0] : "?";
        boolean five = exists(CONTROLLER);
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, List<String>> appliedBy = new LinkedHashMap<>();
        out.put("version", version);
        out.put("appliedBy", appliedBy);

        List<String> broker = new ArrayList<>();
        broker.add(BROKER_CONFIG);
        broker.add(NETTY_SERVER);
        broker.add(NETTY_CLIENT);
        broker.add(STORE);
        if (exists(AUTH)) {
            broker.add(AUTH);
        }
        Map<String, Map<String, Object>> brokerKeys = section(broker);
        for (String direct : new String[] {"rmqAddressServerDomain", "rmqAddressServerSubGroup"}) {
            Map<String, Object> k = new LinkedHashMap<>();
            List<String> types = new ArrayList<>();
            types.add("String");
            k.put("types", types);
            k.put("default", null);
            k.put("source", "BrokerStartup");
            brokerKeys.putIfAbsent(direct, k);
        }
        out.put("broker", brokerKeys);
        appliedBy.put("broker", simple(broker));

        List<String> namesrv = new ArrayList<>();
        namesrv.add(NAMESRV);
        namesrv.add(NETTY_SERVER);
        if (five) {
            namesrv.add(NETTY_CLIENT);
            namesrv.add(CONTROLLER);
            if (exists(JRAFT)) {
                namesrv.add(JRAFT);
            }
        }
        out.put("namesrv", section(namesrv));
        appliedBy.put("namesrv", simple(namesrv));

        if (five) {
            List<String> controller = new ArrayList<>();
            controller.add(CONTROLLER);
            if (exists(JRAFT)) {
                controller.add(JRAFT);
            }
            controller.add(NETTY_SERVER);
            controller.add(NETTY_CLIENT);
            out.put("controller", section(controller));
            appliedBy.put("controller", simple(controller));
        }
        if (exists(PROXY)) {
            List<String> proxy = new ArrayList<>();
            proxy.add(PROXY);
            if (exists(AUTH)) {
                proxy.add(AUTH);
            }
            out.put("proxy", section(proxy));
            appliedBy.put("proxy", simple(proxy));
        }
        if (exists(TIERED)) {
            List<String> tiered = new ArrayList<>();
            tiered.add(TIERED);
            out.put("tieredStorePlugin", section(tiered));
            appliedBy.put("tieredStorePlugin", simple(tiered));
        }
        System.out.println(JSON.toJSONString(out, SerializerFeature.PrettyFormat, SerializerFeature.WriteMapNullValue));
    }

    static boolean exists(String cls) {
        try {
            Class.forName(cls, false, Catalogue.class.getClassLoader());
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    static List<String> simple(List<String> classes) {
        List<String> r = new ArrayList<>();
        for (String c : classes) {
            r.add(c.substring(c.lastIndexOf('.') + 1));
        }
        return r;
    }

    static String typeName(Class<?> t) {
        if (t == int.class || t == long.class || t == double.class || t == float.class || t == boolean.class) {
            return t.getName();
        }
        if (t == String.class || t == Integer.class || t == Long.class || t == Double.class || t == Float.class
            || t == Boolean.class) {
            return t.getSimpleName();
        }
        return null;
    }

    static Map<String, Map<String, Object>> section(List<String> classes) throws Exception {
        Map<String, Map<String, Object>> keys = new TreeMap<>();
        for (String cn : classes) {
            Class<?> c = Class.forName(cn);
            Object fresh = c.getDeclaredConstructor().newInstance();
            for (Method m : c.getMethods()) { // public, own and inherited: what properties2Object walks
                String name = m.getName();
                if (!name.startsWith("set") || name.length() < 4 || m.getParameterCount() != 1
                    || Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                String type = typeName(m.getParameterTypes()[0]);
                if (type == null) {
                    continue;
                }
                String key = Character.toLowerCase(name.charAt(3)) + name.substring(4);
                Map<String, Object> k = keys.get(key);
                if (k == null) {
                    k = new LinkedHashMap<>();
                    k.put("types", new TreeSet<String>());
                    k.put("default", getter(fresh, name.substring(3)));
                    k.put("source", m.getDeclaringClass().getSimpleName());
                    keys.put(key, k);
                } else if (!k.containsKey("alsoIn") && !String.valueOf(k.get("source")).equals(c.getSimpleName())
                    && !m.getDeclaringClass().getSimpleName().equals(k.get("source"))) {
                    k.put("alsoIn", c.getSimpleName());
                }
                @SuppressWarnings("unchecked")
                TreeSet<String> types = (TreeSet<String>) k.get("types");
                types.add(type);
            }
        }
        return keys;
    }

    static String getter(Object o, String suffix) {
        for (String prefix : new String[] {"get", "is"}) {
            try {
                Method g = o.getClass().getMethod(prefix + suffix);
                if (g.getParameterCount() == 0) {
                    Object v = g.invoke(o);
                    return v == null ? null : String.valueOf(v);
                }
            } catch (NoSuchMethodException ignored) {
            } catch (Throwable t) {
                return "<getter threw " + t.getClass().getSimpleName() + ">";
            }
        }
        return null;
    }
}
