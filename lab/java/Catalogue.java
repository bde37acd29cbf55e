import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The key catalogue of one RocketMQ release, read by reflection from its own jars (run with the release's
 * configuration jars on the class path: lab/maven/catalogue-pom.xml). Mimics MixAll.properties2Object: every public
 * method setXxx with one parameter of type int/long/double/float/boolean/String (or the boxed types) gives the key
 * "xxx" (4th character lower-cased + rest).
 *
 * Sections and the objects each startup class applies its file to, per version (read from the startup classes at the
 * release tags, see lab/catalogue.ts APPLIED_BY):
 *   broker:  BrokerConfig (5.x: with the inherited BrokerIdentity), NettyServerConfig, NettyClientConfig,
 *            MessageStoreConfig; 5.3.0+ AuthConfig; plus the two keys BrokerStartup reads directly.
 *   namesrv: NamesrvConfig, NettyServerConfig; 5.x also NettyClientConfig and ControllerConfig (5.2.0+ JraftConfig),
 *            applied only when enableControllerInNamesrv=true from 5.1.0 on (always in 5.0.0).
 *   controller (5.x): ControllerConfig, 5.2.0+ JraftConfig, NettyServerConfig, NettyClientConfig.
 *   proxy (5.x): ProxyConfig, 5.3.0+ AuthConfig (rmq-proxy.json is bound by fastjson; setters listed the same way).
 *   tieredStorePlugin (5.1.0+): the tiered store's own config (TieredMessageStoreConfig, 5.3.0+ MessageStoreConfig).
 *
 * Prints {"version", "appliedBy": {section: [class...]}, "missing": {section: [class...]}, section: {key: spec}}.
 * A class the version's startup applies but whose jar is not on the class path (Maven Central lacks the module) is
 * listed under "missing" and contributes no keys: nothing is invented.
 * Per key: types; default = the field's value on a fresh instance (the getter's when there is no such field), with
 * the machine's user.home written ${user.home} and its host name / addresses ${hostName} / ${localAddress};
 * enumValues (the constants of an enum-typed overload of the setter, or of the field's enum type); source (the class
 * declaring the setter); alsoSets (other applied classes with the same setter); deprecated (the setter is
 * @Deprecated); condition (read only when the Java condition holds).
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
    static final String TIERED_51 = "org.apache.rocketmq.tieredstore.common.TieredMessageStoreConfig";
    static final String TIERED_53 = "org.apache.rocketmq.tieredstore.MessageStoreConfig";
    static final String IN_NAMESRV = "namesrvConfig.isEnableControllerInNamesrv()";

    static int[] version;
    static String userHome = System.getProperty("user.home");
    static Set<String> hostNames = new TreeSet<>();
    static Set<String> addresses = new TreeSet<>();

    static boolean atLeast(int major, int minor) {
        return version[0] > major || (version[0] == major && version[1] >= minor);
    }

    public static void main(String[] args) throws Exception {
        String v = args[0];
        String[] p = v.split("\\.");
        version = new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
        machine();
        boolean five = atLeast(5, 0);
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, List<String>> appliedBy = new LinkedHashMap<>();
        Map<String, List<String>> missing = new LinkedHashMap<>();
        out.put("version", v);
        out.put("appliedBy", appliedBy);
        out.put("missing", missing);

        List<String> broker = list(BROKER_CONFIG, NETTY_SERVER, NETTY_CLIENT, STORE);
        if (atLeast(5, 3)) {
            broker.add(AUTH);
        }
        Map<String, Map<String, Object>> brokerKeys = section("broker", broker, Collections.emptyList(), appliedBy, missing);
        if (!missing.containsKey("broker") || !missing.get("broker").contains(simple(BROKER_CONFIG))) {
            for (String direct : new String[] {"rmqAddressServerDomain", "rmqAddressServerSubGroup"}) {
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("types", list("String"));
                k.put("default", null);
                k.put("source", "BrokerStartup");
                brokerKeys.putIfAbsent(direct, k);
            }
        }
        out.put("broker", brokerKeys);

        List<String> namesrv = list(NAMESRV, NETTY_SERVER);
        List<String> conditional = new ArrayList<>();
        if (five) {
            namesrv.add(NETTY_CLIENT);
            namesrv.add(CONTROLLER);
            if (atLeast(5, 2)) {
                namesrv.add(JRAFT);
            }
            if (atLeast(5, 1)) {
                conditional = list(CONTROLLER, JRAFT);
            }
        }
        out.put("namesrv", section("namesrv", namesrv, conditional, appliedBy, missing));

        if (five) {
            List<String> controller = list(CONTROLLER);
            if (atLeast(5, 2)) {
                controller.add(JRAFT);
            }
            controller.add(NETTY_SERVER);
            controller.add(NETTY_CLIENT);
            out.put("controller", section("controller", controller, Collections.emptyList(), appliedBy, missing));
            List<String> proxy = list(PROXY);
            if (atLeast(5, 3)) {
                proxy.add(AUTH);
            }
            out.put("proxy", section("proxy", proxy, Collections.emptyList(), appliedBy, missing));
        }
        if (atLeast(5, 1)) {
            out.put("tieredStorePlugin", section("tieredStorePlugin", list(atLeast(5, 3) ? TIERED_53 : TIERED_51),
                Collections.emptyList(), appliedBy, missing));
        }
        StringBuilder sb = new StringBuilder();
        json(sb, out);
        System.out.println(sb);
    }

    @SafeVarargs
    static <T> List<T> list(T... items) {
        List<T> l = new ArrayList<>();
        Collections.addAll(l, items);
        return l;
    }

    static void machine() {
        try {
            InetAddress local = InetAddress.getLocalHost();
            hostNames.add(local.getHostName());
            hostNames.add(local.getCanonicalHostName());
            addresses.add(local.getHostAddress());
        } catch (Throwable ignored) {
        }
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    String s = a.getHostAddress();
                    int pct = s.indexOf('%');
                    addresses.add(pct >= 0 ? s.substring(0, pct) : s);
                    addresses.add(s);
                }
            }
        } catch (Throwable ignored) {
        }
    }

    static boolean exists(String cls) {
        try {
            Class.forName(cls, false, Catalogue.class.getClassLoader());
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    static String simple(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
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

    static Map<String, Map<String, Object>> section(String name, List<String> classes, List<String> conditional,
        Map<String, List<String>> appliedBy, Map<String, List<String>> missing) throws Exception {
        Map<String, Map<String, Object>> keys = new TreeMap<>();
        List<String> applied = new ArrayList<>();
        // key -> the applied classes (simple names) that have its setter, in order; and whether all are conditional
        Map<String, List<String>> setBy = new TreeMap<>();
        Map<String, Boolean> onlyConditional = new TreeMap<>();
        for (String cn : classes) {
            if (!exists(cn)) {
                missing.computeIfAbsent(name, k -> new ArrayList<>()).add(simple(cn));
                continue;
            }
            applied.add(simple(cn));
            Class<?> c = Class.forName(cn);
            Object fresh = c.getDeclaredConstructor().newInstance();
            boolean cond = conditional.contains(cn);
            Map<String, TreeSet<String>> typesHere = new TreeMap<>();
            Map<String, Method> first = new TreeMap<>();
            Map<String, Boolean> deprecated = new TreeMap<>();
            Map<String, List<String>> enums = new TreeMap<>();
            List<Method> methods = new ArrayList<>();
            Collections.addAll(methods, c.getMethods()); // public, own and inherited: what properties2Object walks
            methods.sort(Comparator.comparing((Method m) -> m.getName())
                .thenComparing(m -> m.getParameterCount() > 0 ? m.getParameterTypes()[0].getName() : ""));
            for (Method m : methods) {
                String mn = m.getName();
                if (!mn.startsWith("set") || mn.length() < 4 || m.getParameterCount() != 1
                    || Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                String key = Character.toLowerCase(mn.charAt(3)) + mn.substring(4);
                Class<?> pt = m.getParameterTypes()[0];
                if (pt.isEnum()) {
                    enums.put(key, constants(pt));
                }
                String type = typeName(pt);
                if (type == null) {
                    continue;
                }
                typesHere.computeIfAbsent(key, k -> new TreeSet<>()).add(type);
                first.putIfAbsent(key, m);
                if (m.isAnnotationPresent(Deprecated.class)) {
                    deprecated.put(key, true);
                }
            }
            for (Map.Entry<String, TreeSet<String>> e : typesHere.entrySet()) {
                String key = e.getKey();
                setBy.computeIfAbsent(key, k -> new ArrayList<>()).add(simple(cn));
                onlyConditional.put(key, onlyConditional.getOrDefault(key, true) && cond);
                Map<String, Object> k = keys.get(key);
                if (k == null) {
                    k = new LinkedHashMap<>();
                    k.put("types", new TreeSet<String>());
                    Object[] d = defaultOf(fresh, key, first.get(key).getName().substring(3));
                    k.put("default", d[0]);
                    k.put("source", first.get(key).getDeclaringClass().getSimpleName());
                    List<String> ev = enums.get(key);
                    if (ev == null && d[1] != null) {
                        ev = constants((Class<?>) d[1]);
                    }
                    if (ev != null) {
                        k.put("enumValues", ev);
                    }
                    keys.put(key, k);
                }
                @SuppressWarnings("unchecked")
                TreeSet<String> types = (TreeSet<String>) k.get("types");
                types.addAll(e.getValue());
                if (deprecated.containsKey(key)) {
                    k.put("deprecated", true);
                }
            }
        }
        for (Map.Entry<String, Map<String, Object>> e : keys.entrySet()) {
            List<String> by = setBy.get(e.getKey());
            if (by != null && by.size() > 1) {
                e.getValue().put("alsoSets", new ArrayList<>(by.subList(1, by.size())));
            }
            if (Boolean.TRUE.equals(onlyConditional.get(e.getKey()))) {
                e.getValue().put("condition", IN_NAMESRV);
            }
        }
        appliedBy.put(name, applied);
        return keys;
    }

    static List<String> constants(Class<?> enumType) {
        List<String> r = new ArrayList<>();
        for (Object o : enumType.getEnumConstants()) {
            r.add(((Enum<?>) o).name());
        }
        return r;
    }

    /** [value as a string or null, the field's enum type or null]. */
    static Object[] defaultOf(Object o, String key, String suffix) {
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (String fn : new String[] {key, Character.toLowerCase(suffix.charAt(0)) + suffix.substring(1), suffix}) {
                try {
                    Field f = c.getDeclaredField(fn);
                    if (Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    f.setAccessible(true);
                    Object v = f.get(o);
                    return new Object[] {show(v), f.getType().isEnum() ? f.getType() : null};
                } catch (NoSuchFieldException ignored) {
                } catch (Throwable t) {
                    return new Object[] {"<field unreadable: " + t.getClass().getSimpleName() + ">", null};
                }
            }
        }
        for (String prefix : new String[] {"get", "is"}) {
            try {
                Method g = o.getClass().getMethod(prefix + suffix);
                if (g.getParameterCount() == 0) {
                    return new Object[] {show(g.invoke(o)), null};
                }
            } catch (NoSuchMethodException ignored) {
            } catch (Throwable t) {
                return new Object[] {"<getter threw " + t.getClass().getSimpleName() + ">", null};
            }
        }
        return new Object[] {null, null};
    }

    static String show(Object v) {
        if (v == null) {
            return null;
        }
        if (v.getClass().isArray() || v instanceof java.util.Collection || v instanceof Map) {
            return null; // not a value a properties file can carry (no setter of these types is listed anyway)
        }
        String s = String.valueOf(v);
        if (hostNames.contains(s)) {
            return "${hostName}";
        }
        if (addresses.contains(s)) {
            return "${localAddress}";
        }
        if (userHome != null && !userHome.isEmpty() && s.startsWith(userHome)) {
            s = "${user.home}" + s.substring(userHome.length());
        }
        return s;
    }

    /** JSON without a library (the releases ship different JSON libraries: fastjson, fastjson2). */
    static void json(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                sb.append(first ? "" : ",");
                first = false;
                json(sb, String.valueOf(e.getKey()));
                sb.append(':');
                json(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Iterable) {
            sb.append('[');
            boolean first = true;
            for (Object o : (Iterable<?>) v) {
                sb.append(first ? "" : ",");
                first = false;
                json(sb, o);
            }
            sb.append(']');
        } else {
            String s = String.valueOf(v);
            sb.append('"');
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            sb.append('"');
        }
    }
}
