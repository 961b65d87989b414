import { useKalamClient } from '@kalamdb/sdk/react';
import { useState, type FormEvent } from 'react';

export function Login() {
  const client = useKalamClient();
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await client.login(user, password);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <form className="login" onSubmit={submit}>
      <h1>KalamDB chat</h1>
      <input aria-label="user" placeholder="user (alice or bob)" value={user} onChange={(e) => setUser(e.target.value)} />
      <input
        aria-label="password"
        type="password"
        placeholder="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit">Log in</button>
      {error && <p className="error">{error}</p>}
    </form>
  );
}
