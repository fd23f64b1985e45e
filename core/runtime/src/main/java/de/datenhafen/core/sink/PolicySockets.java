package de.datenhafen.core.sink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The sockets of an MQTT sink's client (Paho): each connects only to an address the {@link SinkAddressPolicy} allows,
 * resolved and checked as it connects, and to exactly that address. Paho resolves the broker's name itself and hands
 * the socket an address; that one is not used: the socket resolves the name anew, checks every address it has and
 * connects to the one it checked.
 *
 * <p>For an {@code ssl://} broker the socket also does the TLS, over the checked connection, with the broker's host name
 * as server name (SNI) and checked against its certificate, as Paho's own TLS module does: Paho is given the broker as
 * {@code tcp://} with this factory, and reads and writes through the TLS socket.
 */
final class PolicySockets extends SocketFactory {

    /** A connection the policy did not allow; Paho passes it on as the cause of its connect error. */
    static final class Refused extends SocketException {
        Refused(String message) {
            super(message);
        }
    }

    private final SinkAddressPolicy policy;
    private final String host;
    private final int port;
    private final SSLSocketFactory tls;

    /**
     * @param host the broker's host, as configured
     * @param tls the TLS sockets' factory for an {@code ssl://} broker, null for plain TCP
     */
    PolicySockets(SinkAddressPolicy policy, String host, int port, SSLSocketFactory tls) {
        this.policy = policy;
        this.host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        this.port = port;
        this.tls = tls;
    }

    @Override
    public Socket createSocket() {
        return new Checked();
    }

    @Override
    public Socket createSocket(String h, int p) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(h, p));
        return s;
    }

    @Override
    public Socket createSocket(String h, int p, InetAddress localHost, int localPort) throws IOException {
        return createSocket(h, p);
    }

    @Override
    public Socket createSocket(InetAddress h, int p) throws IOException {
        return createSocket(h.getHostAddress(), p);
    }

    @Override
    public Socket createSocket(InetAddress h, int p, InetAddress localAddress, int localPort) throws IOException {
        return createSocket(h.getHostAddress(), p);
    }

    /** A socket that connects to the broker's checked address, then (for TLS) layers TLS over that connection. */
    private final class Checked extends Socket {
        private Socket plain;
        private SSLSocket secured;
        private int soTimeout;

        @Override
        public void connect(SocketAddress ignored, int timeout) throws IOException {
            InetAddress address;
            try {
                address = policy.resolve(host, port);
            } catch (SinkAddressPolicy.Refused e) {
                throw new Refused(e.reason());
            }
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, port), timeout);
                s.setSoTimeout(soTimeout);
                if (tls != null) {
                    SSLSocket t = (SSLSocket) tls.createSocket(s, host, port, true);
                    t.setUseClientMode(true);
                    SSLParameters p = t.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    if (SinkAddressPolicy.literal(host.toLowerCase(java.util.Locale.ROOT)) == null) {
                        p.setServerNames(List.of(new SNIHostName(host)));
                    }
                    t.setSSLParameters(p);
                    if (timeout > 0) {
                        s.setSoTimeout(timeout);
                    }
                    t.startHandshake();
                    s.setSoTimeout(soTimeout);
                    secured = t;
                }
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            plain = s;
        }

        @Override
        public void connect(SocketAddress endpoint) throws IOException {
            connect(endpoint, 0);
        }

        private Socket current() throws SocketException {
            if (plain == null) {
                throw new SocketException("not connected");
            }
            return secured != null ? secured : plain;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return current().getInputStream();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return current().getOutputStream();
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            soTimeout = timeout;
            if (plain != null) {
                plain.setSoTimeout(timeout);
            }
        }

        @Override
        public synchronized int getSoTimeout() {
            return soTimeout;
        }

        @Override
        public boolean isConnected() {
            return plain != null && plain.isConnected();
        }

        @Override
        public boolean isClosed() {
            return super.isClosed() || plain != null && plain.isClosed();
        }

        @Override
        public InetAddress getInetAddress() {
            return plain == null ? null : plain.getInetAddress();
        }

        @Override
        public int getPort() {
            return plain == null ? 0 : plain.getPort();
        }

        @Override
        public void shutdownInput() throws IOException {
            if (secured == null && plain != null) {
                plain.shutdownInput();
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            if (secured == null && plain != null) {
                plain.shutdownOutput();
            }
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                if (secured != null) {
                    secured.close(); // closes the connection under it too
                }
                if (plain != null) {
                    plain.close();
                }
            } finally {
                super.close();
            }
        }
    }
}
